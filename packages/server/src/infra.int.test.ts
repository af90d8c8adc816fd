/**
 * The infrastructure views through the real server and store over the memory provider:
 * `?cluster=` resolves the cluster's name to its uid, and volumes carry their purpose, claim
 * and node.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InfraVolume } from '@berth/api-types';
import { MemoryProvider } from '@berth/provider-memory';
import { storeBackends } from '@berth/store/testing';
import { providerInfraReader, storeClusterDirectory } from './infra-reader.js';
import { client, testApp, type Client, type TestApp } from './testing/app.js';
import { seedClusterVolumes, type SeededVolumes } from './testing/volumes.js';

const cluster = (name: string) => ({
  metadata: { name },
  spec: { nodeGroups: [{ name: 'a', count: 1 }] },
});

for (const backend of storeBackends()) {
  describe(`infrastructure views on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;
    let demo: SeededVolumes;

    before(async () => {
      await backend.setUp();
      const store = await backend.open();
      const provider = new MemoryProvider();
      t = await testApp(store, {
        infra: providerInfraReader(provider, storeClusterDirectory(store)),
      });
      api = client(t.app, t.adminSecret);
      const uids: Record<string, string> = {};
      for (const name of ['demo', 'other']) {
        const created = await api.post('/v1/projects/default/clusters', cluster(name));
        assert.equal(created.status, 202, created.text);
        uids[name] = (await api.get(`/v1/projects/default/clusters/${name}`)).body.metadata.uid;
      }
      demo = await seedClusterVolumes(provider, {
        project: 'default',
        clusterUid: uids.demo!,
        prefix: 'demo',
      });
      await seedClusterVolumes(provider, {
        project: 'default',
        clusterUid: uids.other!,
        prefix: 'other',
      });
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('volumes of one cluster with their claim, node and state', async () => {
      const reply = await api.get('/v1/projects/default/volumes?cluster=demo');
      assert.equal(reply.status, 200, reply.text);
      const items = reply.body.items as InfraVolume[];
      assert.deepEqual(items.map((v) => v.cluster).sort(), ['demo', 'demo']);
      const pv = items.find((v) => v.purpose === 'persistent-volume')!;
      const { attributes, ...typed } = pv;
      assert.deepEqual(typed, {
        id: demo.pv.id,
        kind: 'volumes',
        name: demo.pv.name,
        project: 'default',
        cluster: 'demo',
        status: 'in-use',
        purpose: 'persistent-volume',
        state: 'in-use',
        volumeType: 'hdd',
        sizeGb: 2,
        zone: 'az1',
        pvc: { namespace: 'shop', name: 'data-db-0' },
        persistentVolume: demo.pv.name,
        node: { name: demo.node.name, serverId: demo.node.id, device: demo.pv.device },
      });
      assert.equal(
        (attributes.tags as Record<string, string>)['berth.dev/pvc-name'],
        'data-db-0',
        'the raw tags stay under attributes',
      );
      const disk = items.find((v) => v.purpose === 'node-disk')!;
      assert.equal(disk.name, `${demo.node.name}-root`);
      assert.equal(disk.state, 'available');
      assert.equal(disk.node, undefined);
    });

    test('without ?cluster= every cluster of the project; an unknown cluster has none', async () => {
      const all = await api.get('/v1/projects/default/volumes');
      assert.deepEqual(
        (all.body.items as InfraVolume[]).map((v) => `${v.cluster}/${v.purpose}`).sort(),
        ['demo/node-disk', 'demo/persistent-volume', 'other/node-disk', 'other/persistent-volume'],
      );
      assert.deepEqual((await api.get('/v1/projects/default/volumes?cluster=nope')).body, {
        metadata: {},
        items: [],
      });
      const servers = await api.get('/v1/projects/default/servers?cluster=demo');
      assert.deepEqual(
        servers.body.items.map((s: { name: string; purpose?: string }) => [s.name, s.purpose]),
        [[demo.node.name, undefined]],
        'other kinds keep the generic shape',
      );
    });
  });
}
