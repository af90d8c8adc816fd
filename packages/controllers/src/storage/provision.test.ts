/**
 * Dynamic provisioning through StorageReconciler.reconcile, on the memory provider with a fake
 * cluster API: which claims get a volume, where it lands, what the PV says, and what a refusal
 * looks like.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GIB, PROVISIONER_NAME, ZONE_KEY } from '@berth/csi';
import { SELECTED_NODE, storageHarness } from '../testing/storage-harness.js';

test('WaitForFirstConsumer waits for a node, then the volume lands in its zone with a PV for the claim', async () => {
  const h = await storageHarness();
  h.addClass('fast', { parameters: { type: 'hdd' } });
  const claim = h.addClaim('data', { requestBytes: 10 * GIB });
  await h.pass();
  assert.deepEqual(await h.volumes(), [], 'no node chosen yet: nothing made');
  assert.equal(h.api.volumes.size, 0);
  assert.equal(h.api.events.length, 0);

  claim.annotations[SELECTED_NODE] = 'node-b';
  await h.pass();
  const [volume, ...more] = await h.volumes();
  assert.ok(volume);
  assert.deepEqual(more, []);
  const pvName = `pvc-${claim.uid}`;
  assert.deepEqual(
    { name: volume.name, type: volume.volumeType, sizeGb: volume.sizeGb, zone: volume.zone },
    { name: pvName, type: 'hdd', sizeGb: 10, zone: 'az2' },
  );
  assert.equal(volume.tags['berth.dev/pvc-namespace'], 'default');
  assert.equal(volume.tags['berth.dev/pvc-name'], 'data');
  assert.equal(volume.tags['berth.dev/pv-name'], pvName);
  assert.equal(volume.tags['berth.dev/reclaim-policy'], 'Delete');
  const pv = h.api.created.get(pvName);
  assert.ok(pv, 'a PV named after the claim');
  assert.deepEqual(pv.claim, { namespace: 'default', name: 'data', uid: claim.uid });
  assert.equal(pv.volumeHandle, volume.id);
  assert.equal(pv.capacityBytes, 10 * GIB);
  assert.equal(pv.storageClassName, 'fast');
  assert.equal(pv.reclaimPolicy, 'Delete');
  assert.deepEqual(pv.nodeAffinity, { key: ZONE_KEY, value: 'az2' });
  assert.deepEqual(pv.annotations, { 'pv.kubernetes.io/provisioned-by': PROVISIONER_NAME });
  assert.deepEqual(
    h.api.events.map((e) => `${e.type} ${e.reason}`),
    ['Normal ProvisioningSucceeded'],
  );

  await h.pass();
  h.api.bind();
  await h.pass();
  assert.equal((await h.volumes()).length, 1, 'later passes make no second volume');
  assert.deepEqual(
    h.api.writes.filter((w) => w.startsWith('createVolume')),
    [`createVolume ${pvName}`],
  );
});

test('Immediate binding provisions at once, within the class’s allowed zones; sizes round up to GiB', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate', allowedZones: ['az2'] });
  h.addClaim('data', { requestBytes: 1.5 * GIB });
  await h.pass();
  const [volume] = await h.volumes();
  assert.equal(volume?.zone, 'az2');
  assert.equal(volume?.volumeType, 'ssd');
  assert.equal(volume?.sizeGb, 2);
  assert.equal(h.api.created.get(volume.name)?.capacityBytes, 2 * GIB);
});

test('claims not handed to berth.dev/volume, or deleting, or of no known class, are left alone', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate' });
  h.addClaim('other', {
    annotations: { 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' },
  });
  h.addClaim('none', { annotations: {} });
  h.addClaim('deleting', { deleting: true });
  h.addClaim('unknown-class', { storageClassName: 'slow' });
  h.addClaim('beta', {
    annotations: { 'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER_NAME },
  });
  await h.pass();
  const volumes = await h.volumes();
  assert.deepEqual(
    volumes.map((v) => v.tags['berth.dev/pvc-name']),
    ['beta'],
    'only the claim annotated for Berth (beta annotation included) gets a volume',
  );
  assert.deepEqual([...h.api.volumes.keys()], [volumes[0]!.name]);
});

test('a refused claim gets one ProvisioningFailed event naming the problem, and nothing is made', async () => {
  const h = await storageHarness();
  h.addClass('fast');
  h.addClass('nowhere', { allowedZones: ['az9'] });
  h.addClass('nowhere-now', { allowedZones: ['az9'], volumeBindingMode: 'Immediate' });
  h.addClass('az2-only', { allowedZones: ['az2'] });
  h.addClass('platinum', { parameters: { type: 'platinum' } });
  const cases = [
    { claim: 'huge', fields: { requestBytes: 5000 * GIB }, says: /at most 4096 GiB/ },
    { claim: 'lost', fields: { storageClassName: 'nowhere' }, says: /allowed zones: az9/ },
    { claim: 'lost-now', fields: { storageClassName: 'nowhere-now' }, says: /no such zone: az9/ },
    { claim: 'elsewhere', fields: { storageClassName: 'az2-only' }, says: /node-a is in zone az1/ },
    {
      claim: 'shiny',
      fields: { storageClassName: 'platinum' },
      says: /unknown volume type "platinum"/,
    },
  ];
  const claims = cases.map((c) =>
    h.addClaim(c.claim, {
      ...c.fields,
      annotations: {
        'volume.kubernetes.io/storage-provisioner': PROVISIONER_NAME,
        // Immediate binding: the scheduler chooses no node.
        ...(c.claim === 'lost-now' ? {} : { [SELECTED_NODE]: 'node-a' }),
      },
    }),
  );
  await h.pass();
  await h.pass();
  for (const [i, c] of cases.entries()) {
    const events = h.api.events.filter((e) => e.object.uid === claims[i]!.uid);
    assert.equal(events.length, 1, `${c.claim}: one event over two passes`);
    assert.equal(events[0]!.type, 'Warning', `${c.claim}: ${events[0]!.message}`);
    assert.equal(events[0]!.reason, 'ProvisioningFailed');
    assert.equal(events[0]!.object.kind, 'PersistentVolumeClaim');
    assert.match(events[0]!.message, c.says, c.claim);
  }
  assert.deepEqual(await h.volumes(), [], 'no volume');
  assert.equal(h.api.volumes.size, 0, 'no PV');
});

test('a selected node that is unknown or has no zone yet is waited for, not guessed at', async () => {
  const h = await storageHarness();
  h.addClass('fast');
  const annotations = (node: string) => ({
    'volume.kubernetes.io/storage-provisioner': PROVISIONER_NAME,
    [SELECTED_NODE]: node,
  });
  const unzoned = h.addClaim('unzoned', { annotations: annotations('node-b') });
  const unknown = h.addClaim('unknown', { annotations: annotations('node-z') });
  delete h.api.nodes.get('node-b')!.zone;
  await h.pass();
  assert.deepEqual(await h.volumes(), []);
  assert.match(h.api.eventsOf(unzoned.uid)[0] ?? '', /^Warning ProvisioningFailed: .*node-b/);
  assert.match(h.api.eventsOf(unknown.uid)[0] ?? '', /^Warning ProvisioningFailed: .*node-z/);

  h.api.nodes.get('node-b')!.zone = 'az2';
  await h.pass();
  assert.deepEqual(
    (await h.volumes()).map((v) => [v.tags['berth.dev/pvc-name'], v.zone]),
    [['unzoned', 'az2']],
  );
});

test('a PV write that fails after the volume was made is retried with the same volume', async () => {
  const h = await storageHarness();
  h.addClass('fast', { volumeBindingMode: 'Immediate' });
  const claim = h.addClaim('data');
  h.api.failing.set('createVolume', new Error('etcdserver: request timed out'));
  await h.pass();
  const [made] = await h.volumes();
  assert.ok(made, 'the volume was made');
  assert.deepEqual(h.api.eventsOf(claim.uid), [
    'Warning ProvisioningFailed: failed to provision volume with StorageClass "fast": etcdserver: request timed out',
  ]);
  h.api.failing.clear();
  await h.pass();
  assert.deepEqual(
    (await h.volumes()).map((v) => v.id),
    [made.id],
    'the same volume, not deleted as an orphan nor made twice',
  );
  assert.equal(h.api.created.get(made.name)?.volumeHandle, made.id);
});
