/**
 * Fencing through StorageReconciler.reconcile: a node NotReady for longer than the policy's
 * delay with its server down gets the out-of-service taint and a NodeFenced event; a node
 * whose server is up never does; the taint goes when the node is Ready again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FENCE_AFTER_MS,
  never,
  storageHarness,
  type StorageHarness,
} from '../testing/storage-harness.js';

/** node-a stops answering now. */
function goNotReady(h: StorageHarness, name = 'node-a') {
  const node = h.api.nodes.get(name)!;
  node.ready = false;
  node.readySince = new Date(h.clock.now);
  return node;
}

const advance = (h: StorageHarness, ms: number) =>
  (h.clock.now = new Date(h.clock.now.getTime() + ms));

const fencedEvents = (h: StorageHarness, uid: string) =>
  h.api.eventsOf(uid).filter((e) => e.startsWith('Warning NodeFenced'));

test('a node NotReady with its server stopped is fenced after the delay, not before', async () => {
  const h = await storageHarness();
  const node = goNotReady(h);
  await h.provider.servers.stop({ id: h.servers['node-a']!.id }, never);
  advance(h, FENCE_AFTER_MS - 1_000);
  await h.pass();
  assert.equal(node.outOfService, false, 'not yet');
  assert.deepEqual(fencedEvents(h, node.uid), []);

  advance(h, 2_000);
  await h.pass();
  assert.equal(node.outOfService, true);
  assert.deepEqual(fencedEvents(h, node.uid), [
    'Warning NodeFenced: node node-a has been NotReady with its server down for 30 s: tainted out-of-service so its pods and volumes move',
  ]);
  assert.equal(h.api.nodes.get('node-b')!.outOfService, false, 'the other node is untouched');

  await h.pass();
  assert.equal(fencedEvents(h, node.uid).length, 1, 'said once');
  assert.equal(h.api.writes.filter((w) => w.startsWith('setOutOfService')).length, 1);
});

test('a node whose server is ACTIVE is never fenced, however long it is NotReady', async () => {
  const h = await storageHarness();
  const node = goNotReady(h);
  advance(h, 100 * FENCE_AFTER_MS);
  await h.pass();
  assert.equal(node.outOfService, false, 'a partition must not give a volume two writers');
  assert.equal(h.api.events.length, 0);
});

test('a node whose server is gone is fenced; one without the driver’s id is not', async () => {
  const h = await storageHarness();
  const gone = goNotReady(h, 'node-a');
  const unknown = goNotReady(h, 'node-b');
  delete unknown.csiNodeId;
  await h.provider.servers.delete({ id: h.servers['node-a']!.id }, never);
  await h.provider.servers.stop({ id: h.servers['node-b']!.id }, never);
  advance(h, FENCE_AFTER_MS + 1);
  await h.pass();
  assert.equal(gone.outOfService, true);
  assert.equal(unknown.outOfService, false, 'no server known for it: nothing to judge by');
});

test('the taint goes when the node is Ready again, and a second death is news again', async () => {
  const h = await storageHarness();
  const node = goNotReady(h);
  const server = h.servers['node-a']!;
  await h.provider.servers.stop({ id: server.id }, never);
  advance(h, FENCE_AFTER_MS + 1);
  await h.pass();
  assert.equal(node.outOfService, true);

  await h.provider.servers.start({ id: server.id }, never);
  node.ready = true;
  node.readySince = new Date(h.clock.now);
  await h.pass();
  assert.equal(node.outOfService, false, 'untainted');

  goNotReady(h);
  await h.provider.servers.stop({ id: server.id }, never);
  advance(h, FENCE_AFTER_MS + 1);
  await h.pass();
  assert.equal(node.outOfService, true, 'fenced again');
  assert.equal(fencedEvents(h, node.uid).length, 2, 'each fencing is told');
});

test('a fenced node’s volume moves: forced off the dead server, attached on a live one', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  h.addAttachment('va-a', { nodeName: 'node-a', pvName });
  await h.pass();
  goNotReady(h);
  await h.provider.servers.stop({ id: h.servers['node-a']!.id }, never);
  advance(h, FENCE_AFTER_MS + 1);
  await h.pass();
  assert.equal(h.api.nodes.get('node-a')!.outOfService, true);
  // Kubernetes deletes the fenced node's pods; their replacements land on node-c.
  h.api.deleteAttachment('va-a');
  h.addAttachment('va-c', { nodeName: 'node-c', pvName });
  await h.pass();
  await h.pass();
  const onProvider = await h.provider.volumes.get({ id: volume.id }, never);
  assert.equal(onProvider.attachment?.serverId, h.servers['node-c']!.id);
  assert.equal(h.api.attachments.has('va-a'), false);
  assert.equal(h.api.attachments.get('va-c')?.attached, true);
});
