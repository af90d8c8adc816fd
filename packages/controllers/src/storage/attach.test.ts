/**
 * Attachment through StorageReconciler.reconcile: VolumeAttachments of Berth's driver attach
 * the provider volume to the node's server and report the device; deleted ones detach before
 * their finalizer goes, forced for a fenced (or vanished) node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { never, storageHarness, type StorageHarness } from '../testing/storage-harness.js';

async function attachedTo(h: StorageHarness, volumeId: string): Promise<string | undefined> {
  const volume = await h.provider.volumes.get({ id: volumeId }, never);
  return volume.attachment?.serverId;
}

test('a VolumeAttachment gets the finalizer, the volume on the node’s server, and the device', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  h.addAttachment('csi-a', { nodeName: 'node-a', pvName });
  const foreign = h.addAttachment('ebs-a', { nodeName: 'node-a', pvName: 'pv-ebs' });
  foreign.attacher = 'ebs.csi.aws.com';
  await h.pass();
  const va = h.api.attachments.get('csi-a')!;
  assert.equal(va.hasFinalizer, true);
  assert.equal(va.attached, true);
  assert.equal(va.error, undefined);
  assert.equal(await attachedTo(h, volume.id), h.servers['node-a']!.id);
  const onProvider = await h.provider.volumes.get({ id: volume.id }, never);
  assert.deepEqual(va.metadata, { device: onProvider.attachment!.device });
  assert.match(va.metadata.device, /^\/dev\/vd[b-z]$/);
  assert.deepEqual(
    h.api.attachments.get('ebs-a'),
    foreign,
    'another attacher’s attachment is left alone',
  );

  const before = h.api.writes.length;
  await h.pass();
  assert.equal(h.api.writes.length, before, 'an attached attachment is not written again');
});

test('a deleted VolumeAttachment is detached, then its finalizer removed', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  h.addAttachment('csi-a', { nodeName: 'node-a', pvName });
  await h.pass();
  h.api.deleteAttachment('csi-a');
  assert.equal(h.api.attachments.get('csi-a')?.deleting, true, 'held by the finalizer');

  // While the detach fails the finalizer stays: Kubernetes must not think the volume free.
  const fault = h.provider.faults.fail({
    method: 'volumes.detach',
    times: Infinity,
    error: new BerthError('BERTH_ERR_PROVIDER', 'detach timed out'),
  });
  await h.pass();
  await h.pass();
  assert.equal(h.api.attachments.get('csi-a')?.hasFinalizer, true);
  assert.equal(await attachedTo(h, volume.id), h.servers['node-a']!.id);
  const failures = h.api.events.filter((e) => e.object.name === 'csi-a');
  assert.deepEqual(
    failures.map((e) => `${e.type} ${e.reason}: ${e.message}`),
    ['Warning DetachFailed: detach timed out'],
    'one event over two passes',
  );

  fault.remove();
  await h.pass();
  assert.equal(await attachedTo(h, volume.id), undefined, 'detached');
  assert.equal(h.api.attachments.has('csi-a'), false, 'finalizer removed, attachment gone');
  const detaches = h.provider.callsTo('volumes.detach').filter((c) => c.outcome === 'ok');
  assert.deepEqual(
    detaches.map((c) => (c.input as { force?: boolean }).force ?? false),
    [false],
    'a live node’s volume is detached politely',
  );
});

test('the detach is forced when the node is out of service or gone', async () => {
  const h = await storageHarness();
  const one = await h.provisioned('one');
  const two = await h.provisioned('two');
  h.addAttachment('csi-one', { nodeName: 'node-a', pvName: one.pvName });
  h.addAttachment('csi-two', { nodeName: 'node-a', pvName: two.pvName });
  await h.pass();
  assert.ok(await attachedTo(h, one.volume.id));
  assert.ok(await attachedTo(h, two.volume.id));

  h.api.nodes.get('node-a')!.outOfService = true;
  h.api.deleteAttachment('csi-one');
  await h.pass();
  assert.equal(await attachedTo(h, one.volume.id), undefined);
  assert.equal(h.api.attachments.has('csi-one'), false);

  h.api.nodes.delete('node-a');
  h.api.deleteAttachment('csi-two');
  await h.pass();
  assert.equal(await attachedTo(h, two.volume.id), undefined);
  assert.equal(h.api.attachments.has('csi-two'), false);
  const forced = h.provider
    .callsTo('volumes.detach')
    .map((c) => c.input as { id: string; force?: boolean });
  assert.deepEqual(
    forced.map((c) => [c.id, c.force]),
    [
      [one.volume.id, true],
      [two.volume.id, true],
    ],
  );
});

test('an attachment to a node without the driver fails with AttachFailed and an error status', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  delete h.api.nodes.get('node-a')!.csiNodeId;
  h.addAttachment('csi-a', { nodeName: 'node-a', pvName });
  h.addAttachment('csi-static', { nodeName: 'node-a', pvName: 'pv-not-ours' });
  await h.pass();
  await h.pass();
  const va = h.api.attachments.get('csi-a')!;
  assert.equal(va.attached, false);
  assert.match(va.error ?? '', /node node-a has not registered the volume.berth.dev driver/);
  assert.deepEqual(
    h.api.eventsOf(va.uid),
    [`Warning AttachFailed: ${va.error}`],
    'one event over two passes',
  );
  assert.equal(await attachedTo(h, volume.id), undefined);
  const other = h.api.attachments.get('csi-static')!;
  assert.match(other.error ?? '', /pv-not-ours is not one of this driver's/);

  h.api.nodes.get('node-a')!.csiNodeId = h.servers['node-a']!.id;
  await h.pass();
  assert.equal(h.api.attachments.get('csi-a')?.attached, true, 'attached once registered');
  assert.equal(h.api.attachments.get('csi-a')?.error, undefined, 'the error is cleared');
});
