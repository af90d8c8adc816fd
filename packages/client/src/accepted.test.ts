import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toAccepted, toPatched } from './accepted.js';

const operation = { id: 'op-1', phase: 'Pending', target: { kind: 'Cluster' } };
const cluster = { apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'demo' } };

test('reads {operation, <object>} whatever the object key is called', () => {
  assert.deepEqual(toAccepted({ operation, cluster }, 'x'), { operation, object: cluster });
  assert.deepEqual(toAccepted({ operation, object: cluster }, 'x'), { operation, object: cluster });
  const addon = { name: 'metrics-server', status: { phase: 'Installing' } };
  assert.deepEqual(toAccepted({ addon, operation }, 'x'), { operation, object: addon });
});

test('reads a bare operation', () => {
  assert.deepEqual(toAccepted(operation, 'x'), { operation });
});

test('an answer without an operation is a bad response naming the action', () => {
  assert.throws(() => toAccepted(cluster, 'delete cluster demo'), {
    code: 'BERTH_ERR_BAD_RESPONSE',
    message: "delete cluster demo: the server's answer names no operation",
  });
});

test('a PATCH answer may be the object alone or object and operation', () => {
  assert.deepEqual(toPatched(cluster), { object: cluster });
  assert.deepEqual(toPatched({ nodeGroup: cluster, operation }), { object: cluster, operation });
  assert.deepEqual(toPatched(undefined), {});
});
