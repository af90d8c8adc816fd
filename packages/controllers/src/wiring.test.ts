import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchersOf } from './wiring.js';

test('intent reaches the owner and its readers; a status write never re-enqueues its owner', () => {
  const c = { uid: 'c', clusterUid: 'c' };
  const ng = { uid: 'ng', clusterUid: 'c' };
  assert.deepEqual(watchersOf({ kind: 'Cluster', type: 'upsert', ...c }), [
    'cluster',
    'services',
    'nodeGroupsOfCluster',
    'autoscaler',
    'storage',
    'addons',
  ]);
  assert.deepEqual(watchersOf({ kind: 'Cluster', type: 'status', ...c }), [
    'nodeGroupsOfCluster',
    'services',
    'autoscaler',
    'storage',
  ]);
  assert.deepEqual(watchersOf({ kind: 'NodeGroup', type: 'upsert', ...ng }), [
    'nodeGroup',
    'cluster',
    'autoscaler',
  ]);
  assert.deepEqual(watchersOf({ kind: 'NodeGroup', type: 'status', ...ng }), ['cluster']);
  assert.deepEqual(watchersOf({ kind: 'NodeGroup', type: 'delete', ...ng }), [
    'nodeGroup',
    'cluster',
    'autoscaler',
  ]);
});
