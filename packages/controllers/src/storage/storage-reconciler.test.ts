/**
 * StorageReconciler.reconcile as a whole: which clusters it serves, what an unreachable API
 * or an unreadable one does, and that a phase failing leaves the other phases to run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GIB } from '@berth/csi';
import { BerthError } from '@berth/errors';
import { RESYNC_MS } from './storage-reconciler.js';
import { FENCE_AFTER_MS, never, storageHarness } from '../testing/storage-harness.js';

test('one phase throwing does not stop the others', async () => {
  const h = await storageHarness();
  const grow = await h.provisioned('grow');
  const gone = await h.provisioned('gone');
  h.addClaim('new', { annotations: { ...grow.claim.annotations } });
  h.api.claim('grow')!.requestBytes = 20 * GIB;
  h.api.deleteClaim('gone');
  const dead = h.api.nodes.get('node-b')!;
  Object.assign(dead, { ready: false, readySince: new Date(h.clock.now) });
  await h.provider.servers.stop({ id: h.servers['node-b']!.id }, never);
  h.clock.now = new Date(h.clock.now.getTime() + FENCE_AFTER_MS + 1);
  // fence: the provider cannot say whether node-b's server is up.
  const fault = h.provider.faults.fail({
    method: 'servers.get',
    times: Infinity,
    error: new BerthError('BERTH_ERR_PROVIDER', 'compute API down'),
  });
  // attach: a failure whose report fails too escapes the phase.
  h.addAttachment('csi-x', { nodeName: 'node-x', pvName: grow.pvName });
  h.api.failing.set('setAttachmentStatus', new Error('the API server went away'));
  await h.pass();

  assert.equal(dead.outOfService, false, 'fence failed');
  const names = (await h.volumes()).map((v) => v.name).sort();
  const newPv = `pvc-${h.api.claim('new')!.uid}`;
  assert.deepEqual(names, [grow.pvName, newPv].sort(), 'provision and reclaim ran');
  assert.ok(h.api.volumes.has(newPv));
  assert.equal(h.api.volumes.has(gone.pvName), false);
  assert.equal(h.api.claim('grow')!.resizeStatus, 'NodeResizePending', 'resize ran');

  fault.remove();
  h.api.failing.clear();
  await h.pass();
  assert.equal(dead.outOfService, true, 'fenced once the provider answers');
  assert.match(h.api.attachments.get('csi-x')?.error ?? '', /node-x has not registered/);
});

test('an unreachable cluster is retried soon and nothing is done', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate' });
  h.addClaim('data');
  h.api.unreachable = 'connect ECONNREFUSED 10.0.0.5:6443';
  const result = await h.reconciler.reconcile(h.cluster.metadata.uid, never);
  assert.deepEqual(result, { requeueAfterMs: RESYNC_MS });
  assert.deepEqual(await h.volumes(), []);
  assert.deepEqual(h.api.writes, []);
  h.api.unreachable = undefined;
  await h.pass();
  assert.equal((await h.volumes()).length, 1, 'provisioned once reachable');
});

test('an unreadable cluster API fails the pass (retried with backoff) before anything is done', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate' });
  h.addClaim('data');
  h.api.failing.set('listNodes', new Error('the server is currently unable to handle the request'));
  await assert.rejects(h.reconciler.reconcile(h.cluster.metadata.uid, never), /unable to handle/);
  assert.deepEqual(await h.volumes(), []);
  assert.deepEqual(h.api.writes, []);
});

test('clusters not serving are not connected to; deleted or unknown ones are dropped', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate' });
  h.addClaim('data');
  const uid = h.cluster.metadata.uid;
  const stored = h.store.clusters.get(uid)!;
  stored.status.phase = 'Provisioning';
  const idle = await h.reconciler.reconcile(uid, never);
  assert.ok(idle && idle.requeueAfterMs! > RESYNC_MS, 'looked at again later');
  stored.status.phase = 'Running';
  stored.metadata.deletionRequestedAt = new Date().toISOString();
  assert.equal(await h.reconciler.reconcile(uid, never), undefined);
  assert.equal(await h.reconciler.reconcile('uid-nobody', never), undefined);
  assert.deepEqual(await h.volumes(), []);
  assert.deepEqual(h.api.writes, []);
  for (const phase of ['Reconciling', 'Upgrading'] as const) {
    delete stored.metadata.deletionRequestedAt;
    stored.status.phase = phase;
    const result = await h.reconciler.reconcile(uid, never);
    assert.deepEqual(result, { requeueAfterMs: RESYNC_MS }, `${phase} clusters are served`);
  }
  assert.equal((await h.volumes()).length, 1);
});
