import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';

for (const backend of storeBackends()) {
  describe(`node groups and addons API on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      api = client(t.app, t.adminSecret);
      const created = await api.post(BASE, { metadata: { name: 'alpha' } });
      assert.equal(created.status, 202);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('node groups: create, scale (202 + event), labels only (200), zone immutable, delete', async () => {
      const ng = `${BASE}/alpha/nodegroups`;
      const created = await api.post(ng, {
        metadata: { name: 'gpu' },
        spec: { count: 1, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] },
      });
      assert.equal(created.status, 202, created.text);
      assert.equal(created.body.nodeGroup.spec.zone, 'az1');
      assert.equal(created.body.operation.kind, 'NodeGroupCreate');
      assert.deepEqual(problemOf(await api.post(ng, { metadata: { name: 'gpu' } })), {
        status: 409,
        code: 'BERTH_ERR_ALREADY_EXISTS',
        field: 'metadata.name',
      });
      const scaled = await api.patch(`${ng}/gpu`, { spec: { count: 4 } });
      assert.equal(scaled.status, 202);
      assert.equal(scaled.body.nodeGroup.spec.count, 4);
      const relabelled = await api.patch(`${ng}/gpu`, { metadata: { labels: { x: 'y' } } });
      assert.equal(relabelled.status, 200);
      assert.deepEqual(problemOf(await api.patch(`${ng}/gpu`, { spec: { zone: 'az2' } })), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'spec.zone',
      });
      assert.deepEqual(problemOf(await api.patch(`${ng}/gpu`, { spec: { count: 501 } })), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'spec.count',
      });
      assert.deepEqual(
        problemOf(
          await api.patch(`${ng}/gpu`, {
            spec: { autoscaling: { enabled: true, min: 5, max: 10 } },
          }),
        ),
        {
          status: 400,
          code: 'BERTH_ERR_VALIDATION',
          field: 'spec.count',
        },
      );
      const cluster = (await api.get(`${BASE}/alpha`)).body;
      assert.equal(
        cluster.spec.nodeGroups.find((g: { name: string }) => g.name === 'gpu').count,
        4,
      );
      const events = (await api.get(`${BASE}/alpha/events`)).body.items.map(
        (e: { reason: string }) => e.reason,
      );
      assert.ok(events.includes('NodeGroupScaled'), events.join());
      const deleted = await api.delete(`${ng}/gpu`);
      assert.equal(deleted.status, 202);
      assert.equal(deleted.body.nodeGroup.status.phase, 'Deleting');
      assert.ok(
        !(await api.get(`${BASE}/alpha`)).body.spec.nodeGroups.some(
          (g: { name: string }) => g.name === 'gpu',
        ),
      );
      assert.deepEqual(problemOf(await api.get(`${ng}/none`)), {
        status: 404,
        code: 'BERTH_ERR_NODE_GROUP_NOT_FOUND',
      });
    });

    test('addons are refused (501) without an addon controller; kubeconfig and nodes say 501 without controllers', async () => {
      const refused = await api.post(`${BASE}/alpha/addons`, { name: 'ingress' });
      assert.deepEqual(problemOf(refused), {
        status: 501,
        code: 'BERTH_ERR_NOT_IMPLEMENTED',
        field: 'name',
      });
      assert.match(refused.body.detail, /runs no addon controller/);
      const catalog = (await api.get('/v1/addons')).body.items as Array<{ installable: boolean }>;
      assert.ok(
        catalog.every((a) => a.installable === false),
        'none installable here',
      );
      assert.deepEqual(problemOf(await api.post(`${BASE}/alpha/addons`, { name: 'nope' })), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'name',
      });
      assert.deepEqual((await api.get(`${BASE}/alpha/addons`)).body.items, []);
      assert.deepEqual(problemOf(await api.delete(`${BASE}/alpha/addons/ingress`)), {
        status: 404,
        code: 'BERTH_ERR_ADDON_NOT_FOUND',
      });
      assert.deepEqual(problemOf(await api.get(`${BASE}/alpha/kubeconfig`)), {
        status: 501,
        code: 'BERTH_ERR_NOT_IMPLEMENTED',
      });
      assert.deepEqual(problemOf(await api.get(`${BASE}/alpha/nodes`)), {
        status: 501,
        code: 'BERTH_ERR_NOT_IMPLEMENTED',
      });
    });
  });
}
