import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError, errors, isRetryable } from './index.js';

test('problem body carries code, status, field and detail', () => {
  const err = errors.invalid('spec.controlPlane.count', 'must be 1, 3 or 5');
  assert.deepEqual(err.toProblem('/v1/projects/default/clusters'), {
    type: 'https://berth.dev/errors/BERTH_ERR_VALIDATION',
    title: 'Invalid request',
    status: 400,
    code: 'BERTH_ERR_VALIDATION',
    detail: 'must be 1, 3 or 5',
    instance: '/v1/projects/default/clusters',
    field: 'spec.controlPlane.count',
  });
});

test('not-found picks the kind-specific code when the catalogue has one', () => {
  assert.equal(errors.notFound('Cluster', 'demo').code, 'BERTH_ERR_CLUSTER_NOT_FOUND');
  assert.equal(errors.notFound('NodeGroup', 'ng').code, 'BERTH_ERR_NODE_GROUP_NOT_FOUND');
  assert.equal(errors.notFound('Widget', 'w').code, 'BERTH_ERR_NOT_FOUND');
});

test('retryability comes from the catalogue unless overridden', () => {
  assert.equal(isRetryable(new BerthError('BERTH_ERR_PROVIDER', 'x')), true);
  assert.equal(isRetryable(new BerthError('BERTH_ERR_PROVIDER', 'x', { retryable: false })), false);
  assert.equal(isRetryable(errors.terminal('gone')), false);
  assert.equal(isRetryable(new Error('plain')), true);
});
