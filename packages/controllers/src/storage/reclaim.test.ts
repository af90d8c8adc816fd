/**
 * Reclaiming through StorageReconciler.reconcile: Released PVs with policy Delete lose their
 * volume and then themselves; Retain, attached and foreign ones stay; volumes whose claim and PV
 * are both gone are collected unless tagged Retain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRIVER_NAME, RECLAIM_POLICY_TAG } from '@berth/csi';
import type { Cluster } from '@berth/api-types';
import { roleTags } from '../naming.js';
import { never, storageHarness, type StorageHarness } from '../testing/storage-harness.js';

const volumeIds = async (h: StorageHarness) => (await h.volumes()).map((v) => v.id).sort();

test('a Released PV with policy Delete loses its volume, then itself', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  const kept = await h.provisioned('kept');
  h.api.deleteClaim('data');
  assert.equal(h.api.volumes.get(pvName)?.phase, 'Released');
  await h.pass();
  assert.equal(h.api.volumes.has(pvName), false, 'PV deleted');
  assert.deepEqual(await volumeIds(h), [kept.volume.id], 'only the bound claim’s volume is left');
  assert.ok(!(await volumeIds(h)).includes(volume.id));
});

test('a Retain PV keeps its volume, also after the PV itself is deleted', async () => {
  const h = await storageHarness();
  h.addClass('fast', { reclaimPolicy: 'Retain' });
  const { pvName, volume } = await h.provisioned('data');
  assert.equal(volume.tags[RECLAIM_POLICY_TAG], 'Retain');
  h.api.deleteClaim('data');
  await h.pass();
  assert.equal(h.api.volumes.get(pvName)?.phase, 'Released', 'the PV stays');
  assert.deepEqual(await volumeIds(h), [volume.id]);
  h.api.volumes.delete(pvName);
  await h.pass();
  assert.deepEqual(await volumeIds(h), [volume.id], 'a Retain volume outlives its PV');
});

test('a Released PV still attached is kept until its attachment is gone', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  const pending = await h.provisioned('pending');
  h.addAttachment('csi-a', { nodeName: 'node-a', pvName });
  // Not attached on the provider (its node has not registered the driver), yet still wanted.
  h.addAttachment('csi-pending', { nodeName: 'node-x', pvName: pending.pvName });
  await h.pass();
  h.api.deleteClaim('data');
  h.api.deleteClaim('pending');
  await h.pass();
  assert.ok(h.api.volumes.has(pvName), 'kept while a VolumeAttachment names it');
  assert.ok(h.api.volumes.has(pending.pvName), 'kept even before the provider attached it');
  assert.deepEqual(await volumeIds(h), [volume.id, pending.volume.id].sort());
  h.api.attachments.delete('csi-pending');

  h.api.deleteAttachment('csi-a');
  await h.pass();
  await h.pass();
  assert.equal(h.api.attachments.size, 0);
  assert.equal(h.api.volumes.has(pvName), false);
  assert.deepEqual(await volumeIds(h), []);
});

test('a volume the provider still holds attached is not deleted: an event, the PV kept, retried', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  h.addAttachment('csi-a', { nodeName: 'node-a', pvName });
  await h.pass();
  // The VolumeAttachment vanished without Berth (finalizer stripped by hand).
  h.api.attachments.clear();
  h.api.deleteClaim('data');
  await h.pass();
  await h.pass();
  const pv = h.api.volumes.get(pvName);
  assert.ok(pv, 'the PV stays while its volume cannot go');
  const failed = h.api.eventsOf(pv.uid);
  assert.equal(failed.length, 1, 'one event over two passes');
  assert.match(failed[0]!, /^Warning VolumeFailedDelete: .*attached/);
  assert.deepEqual(await volumeIds(h), [volume.id]);

  await h.provider.volumes.detach({ id: volume.id }, never);
  await h.pass();
  assert.equal(h.api.volumes.has(pvName), false);
  assert.deepEqual(await volumeIds(h), []);
});

test('PVs Berth did not provision, or of another driver, are never reclaimed', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('data');
  h.api.deleteClaim('data');
  const pv = h.api.volumes.get(pvName)!;
  pv.annotations = {};
  await h.pass();
  assert.ok(h.api.volumes.has(pvName), 'a statically made PV is the admin’s');
  assert.deepEqual(await volumeIds(h), [volume.id]);
  pv.annotations = { 'pv.kubernetes.io/provisioned-by': 'berth.dev/volume' };
  pv.driver = 'ebs.csi.aws.com';
  await h.pass();
  assert.ok(h.api.volumes.has(pvName));
  assert.deepEqual(await volumeIds(h), [volume.id]);
});

test('a volume whose PV could not be written is deleted once its claim is gone; other PV-less volumes stay', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate' });
  const claim = h.addClaim('data', { storageClassName: 'fast' });
  h.api.failing.set('createVolume', new Error('etcdserver: request timed out'));
  await h.pass();
  const [made] = await h.volumes();
  assert.ok(made, 'the volume was made, its PV not');
  // Volumes without PV this controller did not leave half-made: an admin's, another cluster's.
  const foreign = await makeVolume(h, 'pvc-foreign');
  const otherCluster = await makeVolume(h, 'pvc-elsewhere', {
    ...h.cluster,
    metadata: { ...h.cluster.metadata, uid: 'uid-other' },
  });
  h.api.failing.clear();
  h.api.deleteClaim(claim.name);
  await h.pass();
  const left = await h.provider.volumes.list({}, never);
  assert.deepEqual(left.map((v) => v.id).sort(), [foreign.id, otherCluster.id].sort());
});

async function makeVolume(h: StorageHarness, name: string, cluster: Cluster = h.cluster) {
  return h.provider.volumes.create(
    {
      name,
      volumeType: 'ssd',
      sizeGb: 1,
      zone: 'az1',
      tags: {
        ...roleTags(cluster, 'volume'),
        'berth.dev/csi-driver': DRIVER_NAME,
        [RECLAIM_POLICY_TAG]: 'Delete',
      },
    },
    never,
  );
}

test('a PV switched to Retain by hand keeps its volume after the PV is deleted', async () => {
  const h = await storageHarness();
  const { claim, pvName, volume } = await h.provisioned('data');
  h.api.volumes.get(pvName)!.reclaimPolicy = 'Retain';
  h.api.deleteClaim(claim.name);
  await h.pass();
  h.api.volumes.delete(pvName);
  await h.pass();
  assert.deepEqual(await volumeIds(h), [volume.id]);
});
