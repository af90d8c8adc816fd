/**
 * Expansion through StorageReconciler.reconcile: a bound claim asking for more grows its
 * provider volume and PV and is handed to kubelet; a size the type cannot reach is refused once
 * and not retried until the request changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GIB } from '@berth/csi';
import { BerthError } from '@berth/errors';
import { never, storageHarness, type StorageHarness } from '../testing/storage-harness.js';

const resizeWrites = (h: StorageHarness) =>
  h.api.writes.filter((w) => w.startsWith('setClaimResize'));
const sizeOf = async (h: StorageHarness, id: string) =>
  (await h.provider.volumes.get({ id }, never)).sizeGb;

test('a bound claim asking for more grows its volume and PV, then waits on the node', async () => {
  const h = await storageHarness();
  const { claim, pvName, volume } = await h.provisioned('data');
  h.api.claim('data')!.requestBytes = 20 * GIB;
  await h.pass();
  assert.deepEqual(resizeWrites(h), [
    'setClaimResize default/data ControllerResizeInProgress',
    'setClaimResize default/data NodeResizePending',
  ]);
  const after = h.api.claim('data')!;
  assert.equal(after.resizeStatus, 'NodeResizePending');
  assert.equal(after.allocatedBytes, 20 * GIB);
  assert.equal(after.capacityBytes, 10 * GIB, 'kubelet, not Berth, records the filesystem size');
  assert.equal(h.api.volumes.get(pvName)?.capacityBytes, 20 * GIB);
  assert.equal(await sizeOf(h, volume.id), 20);
  assert.equal(
    h.api.eventsOf(claim.uid).at(-1),
    `Normal VolumeResizeSuccessful: volume ${pvName} grown to ${20 * GIB} bytes; the node grows its filesystem`,
  );

  await h.pass();
  assert.equal(resizeWrites(h).length, 2, 'the PV holds the request: nothing more to do');
});

test('a raw block claim needs no node step: its capacity is written at once', async () => {
  const h = await storageHarness();
  const { pvName, volume } = await h.provisioned('raw', { volumeMode: 'Block' });
  h.api.claim('raw')!.requestBytes = 12 * GIB;
  await h.pass();
  const after = h.api.claim('raw')!;
  assert.equal(after.resizeStatus, undefined, 'the resize is over');
  assert.equal(after.capacityBytes, 12 * GIB);
  assert.equal(h.api.volumes.get(pvName)?.capacityBytes, 12 * GIB);
  assert.equal(await sizeOf(h, volume.id), 12);
});

test('beyond the type’s maximum the resize is infeasible, said once, and not retried', async () => {
  const h = await storageHarness();
  const { claim, pvName, volume } = await h.provisioned('data');
  h.api.claim('data')!.requestBytes = 5000 * GIB;
  await h.pass();
  await h.pass();
  assert.deepEqual(resizeWrites(h), [
    'setClaimResize default/data ControllerResizeInProgress',
    'setClaimResize default/data ControllerResizeInfeasible',
  ]);
  assert.equal(h.api.claim('data')!.resizeStatus, 'ControllerResizeInfeasible');
  const failed = h.api.eventsOf(claim.uid).filter((e) => e.includes('VolumeResizeFailed'));
  assert.equal(failed.length, 1);
  assert.match(failed[0]!, /^Warning VolumeResizeFailed: .*at most 4096 GiB/);
  assert.equal(await sizeOf(h, volume.id), 10);
  assert.equal(h.api.volumes.get(pvName)?.capacityBytes, 10 * GIB);

  h.api.claim('data')!.requestBytes = 30 * GIB;
  await h.pass();
  assert.equal(h.api.claim('data')!.resizeStatus, 'NodeResizePending', 'a new request is tried');
  assert.equal(await sizeOf(h, volume.id), 30);
});

test('an infeasible request taken back ends the resize at the volume’s size', async () => {
  const h = await storageHarness();
  await h.provisioned('data');
  h.api.claim('data')!.requestBytes = 5000 * GIB;
  await h.pass();
  assert.equal(h.api.claim('data')!.resizeStatus, 'ControllerResizeInfeasible');
  h.api.claim('data')!.requestBytes = 10 * GIB;
  await h.pass();
  const claim = h.api.claim('data')!;
  assert.equal(claim.resizeStatus, undefined);
  assert.equal(claim.allocatedBytes, 10 * GIB);
  assert.equal(claim.capacityBytes, 10 * GIB);
});

test('a provider failure leaves the resize in progress and the next pass finishes it', async () => {
  const h = await storageHarness();
  const { volume } = await h.provisioned('data');
  h.api.claim('data')!.requestBytes = 15 * GIB;
  const fault = h.provider.faults.fail({
    method: 'volumes.extend',
    error: new BerthError('BERTH_ERR_PROVIDER', 'cinder is busy'),
  });
  await h.pass();
  assert.equal(fault.fired, 1);
  assert.equal(h.api.claim('data')!.resizeStatus, 'ControllerResizeInProgress');
  await h.pass();
  assert.equal(h.api.claim('data')!.resizeStatus, 'NodeResizePending');
  assert.equal(await sizeOf(h, volume.id), 15);
});

test('a class without allowVolumeExpansion never resizes', async () => {
  const h = await storageHarness();
  h.addClass('fast', { allowVolumeExpansion: false });
  const { pvName, volume } = await h.provisioned('data');
  h.api.claim('data')!.requestBytes = 20 * GIB;
  await h.pass();
  assert.deepEqual(resizeWrites(h), []);
  assert.equal(h.api.claim('data')!.resizeStatus, undefined);
  assert.equal(h.api.volumes.get(pvName)?.capacityBytes, 10 * GIB);
  assert.equal(await sizeOf(h, volume.id), 10);
});
