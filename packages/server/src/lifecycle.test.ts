import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_PHASES } from '@berth/api-types';
import { checkAction, type ClusterAction } from './lifecycle.js';

function allowed(action: ClusterAction): string[] {
  return CLUSTER_PHASES.filter((phase) => {
    try {
      checkAction('c', phase, false, action);
      return true;
    } catch {
      return false;
    }
  });
}

test('stop only from Running, start only from Stopped, upgrade only from Running', () => {
  assert.deepEqual(allowed('stop'), ['Running']);
  assert.deepEqual(allowed('start'), ['Stopped']);
  assert.deepEqual(allowed('upgrade'), ['Running']);
});

test('delete and update are refused only while deleting', () => {
  const everyButDeleting = CLUSTER_PHASES.filter((p) => p !== 'Deleting');
  assert.deepEqual(allowed('delete'), everyButDeleting);
  assert.deepEqual(allowed('update'), everyButDeleting);
  assert.throws(() => checkAction('c', 'Running', true, 'update'), /Deleting/);
});

test('the refusal names the current phase and what is needed', () => {
  assert.throws(
    () => checkAction('demo', 'Provisioning', false, 'stop'),
    /cluster "demo" is Provisioning; stop is possible only when it is Running/,
  );
});
