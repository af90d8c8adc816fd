import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, setPhase, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';

for (const backend of storeBackends()) {
  describe(`clusters API on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      api = client(t.app, t.adminSecret);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('create with two node groups answers 202 with the defaulted cluster and a pending operation', async () => {
      const reply = await api.post(BASE, {
        metadata: { name: 'alpha', labels: { team: 'web' } },
        spec: {
          controlPlane: { count: 3 },
          nodeGroups: [
            { name: 'web', count: 2 },
            { name: 'batch', flavor: 'std-4-8', zone: 'az2' },
          ],
        },
      });
      assert.equal(reply.status, 202, reply.text);
      const { cluster, operation } = reply.body;
      assert.equal(cluster.spec.version, '1.34');
      assert.deepEqual(cluster.spec.network, {
        subnetCidr: '10.0.0.0/24',
        podsCidr: '10.100.0.0/16',
        servicesCidr: '10.254.0.0/16',
      });
      assert.deepEqual(
        cluster.spec.nodeGroups.map((g: { name: string }) => g.name),
        ['batch', 'web'],
      );
      assert.equal(cluster.status.phase, 'Provisioning');
      assert.deepEqual(cluster.metadata.finalizers, ['berth.dev/infrastructure']);
      assert.equal(operation.kind, 'ClusterCreate');
      assert.equal(operation.phase, 'Pending');
      const polled = await api.get(`/v1/operations/${operation.id}`);
      assert.equal(polled.status, 200);
      assert.equal(polled.body.target.clusterUid, cluster.metadata.uid);
      const groups = await api.get(`${BASE}/alpha/nodegroups`);
      assert.deepEqual(
        groups.body.items.map((g: { spec: { count: number } }) => g.spec.count),
        [3, 2],
      );
      assert.deepEqual(problemOf(await api.post(BASE, { metadata: { name: 'alpha' } })), {
        status: 409,
        code: 'BERTH_ERR_ALREADY_EXISTS',
        field: 'metadata.name',
      });
    });

    test('list and get return the stored objects; pages chain with continue', async () => {
      for (const name of ['b1', 'b2', 'b3'])
        assert.equal(
          (await api.post(BASE, { metadata: { name }, spec: { nodeGroups: [] } })).status,
          202,
        );
      const all = await api.get(BASE);
      const names = all.body.items.map((c: { metadata: { name: string } }) => c.metadata.name);
      assert.deepEqual(names, ['alpha', 'b1', 'b2', 'b3']);
      const first = await api.get(`${BASE}?limit=3`);
      assert.equal(first.body.items.length, 3);
      const rest = await api.get(`${BASE}?limit=3&continue=${first.body.metadata.continue}`);
      assert.deepEqual(
        rest.body.items.map((c: { metadata: { name: string } }) => c.metadata.name),
        ['b3'],
      );
      assert.equal((await api.get(`${BASE}/b2`)).body.metadata.name, 'b2');
      assert.deepEqual(problemOf(await api.get(`${BASE}/nope`)), {
        status: 404,
        code: 'BERTH_ERR_CLUSTER_NOT_FOUND',
      });
      await api.delete(`${BASE}/b3`);
      const after = await api.get(BASE);
      assert.notEqual(
        after.body.metadata.resourceVersion,
        all.body.metadata.resourceVersion,
        'the page cache sees the change',
      );
      assert.equal(
        after.body.items.find((c: { metadata: { name: string } }) => c.metadata.name === 'b3')
          .status.phase,
        'Deleting',
      );
    });

    test('merge patch: labels alone is 200; spec change is 202; stale version 409; none applies', async () => {
      const before = (await api.get(`${BASE}/alpha`)).body;
      const labels = await api.patch(`${BASE}/alpha`, {
        metadata: { labels: { team: null, tier: 'gold' } },
      });
      assert.equal(labels.status, 200, labels.text);
      assert.deepEqual(labels.body.cluster.metadata.labels, { tier: 'gold' });
      assert.equal(labels.body.cluster.metadata.generation, before.metadata.generation);
      const stale = await api.patch(`${BASE}/alpha`, {
        metadata: { resourceVersion: before.metadata.resourceVersion },
        spec: { apiAccess: { public: false } },
      });
      assert.deepEqual(problemOf(stale), {
        status: 409,
        code: 'BERTH_ERR_STALE_RESOURCE_VERSION',
        field: 'metadata.resourceVersion',
      });
      const current = labels.body.cluster.metadata.resourceVersion;
      const changed = await api.patch(`${BASE}/alpha`, {
        metadata: { resourceVersion: current },
        spec: { apiAccess: { allowedCidrs: ['192.0.2.0/24'] } },
      });
      assert.equal(changed.status, 202, changed.text);
      assert.equal(changed.body.cluster.metadata.generation, before.metadata.generation + 1);
      assert.deepEqual(changed.body.cluster.spec.apiAccess, {
        public: true,
        allowedCidrs: ['192.0.2.0/24'],
      });
      assert.equal(changed.body.operation.kind, 'ClusterUpdate');
      const unconditional = await api.patch(`${BASE}/alpha`, {
        spec: { apiAccess: { public: false } },
      });
      assert.equal(unconditional.status, 202);
      const withJson = await api.patch(
        `${BASE}/alpha`,
        { spec: { apiAccess: { allowedCidrs: ['198.51.100.0/24'] } } },
        { 'content-type': 'application/json' },
      );
      assert.equal(withJson.status, 202);
      const problems: Array<[unknown, string]> = [
        [{ spec: { network: { podsCidr: '10.200.0.0/16' } } }, 'spec.network'],
        [{ spec: { version: '1.35' } }, 'spec.version'],
        [{ spec: { nodeGroups: [] } }, 'spec.nodeGroups'],
        [{ spec: { controlPlane: { count: 2 } } }, 'spec.controlPlane.count'],
        [{ spec: { bogus: 1 } }, 'spec.bogus'],
        [{ metadata: { labels: { 'bad key!': 'x' } } }, 'metadata.labels'],
      ];
      for (const [patch, field] of problems) {
        const reply = await api.patch(`${BASE}/alpha`, patch);
        assert.equal(reply.status, 400, `${JSON.stringify(patch)} → ${reply.text}`);
        assert.ok(
          reply.body.field.startsWith(field),
          `${reply.body.field} should start with ${field}`,
        );
      }
    });

    test('stop only from Running, start only from Stopped, upgrade rules, delete sets Deleting', async () => {
      assert.equal(
        (await api.post(BASE, { metadata: { name: 'life' }, spec: { version: '1.35' } })).status,
        202,
      );
      const stopEarly = await api.post(`${BASE}/life:stop`);
      assert.deepEqual(problemOf(stopEarly), { status: 409, code: 'BERTH_ERR_INVALID_STATE' });
      assert.match(stopEarly.body.detail, /Provisioning/);
      await setPhase(t.store, 'default', 'life', 'Running');
      assert.deepEqual(problemOf(await api.post(`${BASE}/life:start`)), {
        status: 409,
        code: 'BERTH_ERR_INVALID_STATE',
      });
      const stopped = await api.post(`${BASE}/life:stop`);
      assert.equal(stopped.status, 202);
      assert.equal(stopped.body.cluster.status.phase, 'Stopping');
      assert.equal(stopped.body.cluster.spec.stopped, true);
      await setPhase(t.store, 'default', 'life', 'Stopped');
      const started = await api.post(`${BASE}/life:start`);
      assert.equal(started.body.cluster.status.phase, 'Starting');
      await setPhase(t.store, 'default', 'life', 'Running');
      assert.deepEqual(problemOf(await api.post(`${BASE}/life:upgrade`, { version: '1.20' })), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'version',
      });
      assert.deepEqual(problemOf(await api.post(`${BASE}/life:upgrade`, { version: '1.34' })), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'version',
      });
      const upgraded = await api.post(`${BASE}/life:upgrade`, { version: '1.36' });
      assert.equal(upgraded.status, 202, upgraded.text);
      assert.equal(upgraded.body.cluster.spec.version, '1.36');
      assert.equal(upgraded.body.cluster.status.phase, 'Upgrading');
      const deleted = await api.delete(`${BASE}/life`);
      assert.equal(deleted.status, 202);
      assert.ok(deleted.body.cluster.metadata.deletionRequestedAt);
      assert.equal(deleted.body.operation.kind, 'ClusterDelete');
      assert.equal((await api.get(`${BASE}/life`)).body.status.phase, 'Deleting');
      assert.deepEqual(problemOf(await api.delete(`${BASE}/life`)), {
        status: 409,
        code: 'BERTH_ERR_INVALID_STATE',
      });
      assert.deepEqual(problemOf(await api.post(`${BASE}/life:stop`)), {
        status: 409,
        code: 'BERTH_ERR_INVALID_STATE',
      });
      await t.store.clusters.removeFinalizer(
        { project: 'default', name: 'life' },
        'berth.dev/infrastructure',
      );
      assert.equal(
        (await api.get(`${BASE}/life`)).status,
        404,
        'gone once the controller releases it',
      );
      assert.equal(
        (await api.get(`/v1/operations/${deleted.body.operation.id}`)).status,
        200,
        'operations outlive clusters',
      );
    });
  });
}
