/**
 * The volumes view over the memory provider: what each volume is for, its claim and its node,
 * read from the tags the storage controller and CSI driver write and from the attached server.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InfraObject } from '@berth/api-types';
import { MemoryProvider } from '@berth/provider-memory';
import type { Volume } from '@berth/provider-api';
import { providerInfraReader } from './infra-reader.js';
import { purposeOf, volumeView } from './infra-volumes.js';
import { seedClusterVolumes } from './testing/volumes.js';

const signal = new AbortController().signal;

describe('volumes view', () => {
  test('a PVC volume attached to a node, a node disk, another cluster left out', async () => {
    const provider = new MemoryProvider();
    const seeded = await seedClusterVolumes(provider, {
      project: 'default',
      clusterUid: 'uid-demo',
      prefix: 'demo',
    });
    await seedClusterVolumes(provider, { project: 'default', clusterUid: 'uid-b', prefix: 'b' });
    const reader = providerInfraReader(provider, {
      clusterUids: async () =>
        new Map([
          ['demo', 'uid-demo'],
          ['b', 'uid-b'],
        ]),
    });

    const volumes = await reader.volumes({ project: 'default', cluster: 'demo' }, signal);
    assert.deepEqual(volumes.map((v) => v.name).sort(), ['demo-a-x7k2p-root', 'pvc-demo-0d4c']);
    const pv = volumes.find((v) => v.id === seeded.pv.id)!;
    assert.deepEqual(
      {
        purpose: pv.purpose,
        state: pv.state,
        status: pv.status,
        volumeType: pv.volumeType,
        sizeGb: pv.sizeGb,
        zone: pv.zone,
        cluster: pv.cluster,
        pvc: pv.pvc,
        persistentVolume: pv.persistentVolume,
        node: pv.node,
      },
      {
        purpose: 'persistent-volume',
        state: 'in-use',
        status: 'in-use',
        volumeType: 'hdd',
        sizeGb: 2,
        zone: 'az1',
        cluster: 'demo',
        pvc: { namespace: 'shop', name: 'data-db-0' },
        persistentVolume: 'pvc-demo-0d4c',
        node: { name: 'demo-a-x7k2p', serverId: seeded.node.id, device: seeded.pv.device },
      },
    );
    assert.match(seeded.pv.device, /^\/dev\/vd[b-z]$/);
    assert.equal(
      (pv.attributes.tags as Record<string, string>)['berth.dev/reclaim-policy'],
      'Delete',
    );

    const disk = volumes.find((v) => v.id === seeded.disk.id)!;
    assert.equal(disk.purpose, 'node-disk');
    assert.equal(disk.state, 'available');
    assert.equal(disk.pvc, undefined);
    assert.equal(disk.persistentVolume, undefined);
    assert.equal(disk.node, undefined);

    assert.equal((await reader.volumes({ project: 'default' }, signal)).length, 4);
    assert.deepEqual(await reader.volumes({ project: 'default', cluster: 'nope' }, signal), []);
    assert.deepEqual(await reader.volumes({ project: 'other' }, signal), []);
  });

  test('purpose from the role tag', () => {
    assert.equal(purposeOf({ 'berth.dev/role': 'volume' }), 'persistent-volume');
    assert.equal(purposeOf({ 'berth.dev/role': 'worker' }), 'node-disk');
    assert.equal(purposeOf({ 'berth.dev/role': 'master' }), 'other');
    assert.equal(purposeOf({}), 'other');
  });

  test('an attached server no longer listed keeps its id, without a name', () => {
    const volume: Volume = {
      id: 'vol-1',
      name: 'pvc-1',
      tags: { 'berth.dev/role': 'volume', 'berth.dev/pvc-name': 'only-a-name' },
      createdAt: '2026-12-06T00:00:00Z',
      volumeType: 'ssd',
      sizeGb: 1,
      zone: 'az1',
      status: 'detaching',
      attachment: { serverId: 'srv-gone', device: '/dev/vdc', attachedAt: '2026-12-06T00:00:00Z' },
    };
    const base: InfraObject = {
      id: 'vol-1',
      kind: 'volumes',
      name: 'pvc-1',
      project: 'default',
      status: 'detaching',
      attributes: {},
    };
    const view = volumeView(base, volume, new Map());
    assert.deepEqual(view.node, { serverId: 'srv-gone', device: '/dev/vdc' });
    assert.equal(view.pvc, undefined, 'a claim needs both namespace and name');
    assert.equal(view.state, 'detaching');
  });
});
