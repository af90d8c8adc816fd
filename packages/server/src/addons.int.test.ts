/**
 * The addons API on a server that installs the ingress addon (as `--provider local` does): what
 * is accepted opens an operation for the addon controller, bad settings are 400 naming the
 * field, an install with another catalog version upgrades the addon, addons nobody installs yet
 * stay 501 naming the addon. (The controller's side is in
 * @berth/controllers' unit tests and addons.e2e.test.ts.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';
const invalid = (field: string) => ({ status: 400, code: 'BERTH_ERR_VALIDATION', field });

for (const backend of storeBackends()) {
  describe(`addons API on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open(), {
        addons: new Set(['ingress', 'metrics-server', 'monitoring']),
      });
      api = client(t.app, t.adminSecret);
      assert.equal((await api.post(BASE, { metadata: { name: 'web' } })).status, 202);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('/v1/addons says which addons this server installs', async () => {
      const items = (await api.get('/v1/addons')).body.items as Array<{
        name: string;
        installable: boolean;
      }>;
      const installable = Object.fromEntries(items.map((a) => [a.name, a.installable]));
      assert.equal(installable['ingress'], true);
      assert.equal(installable['monitoring'], true);
      assert.equal(installable['metrics-server'], true);
    });

    test('installing ingress writes spec.addons with the default version and opens AddonInstall', async () => {
      const reply = await api.post(`${BASE}/web/addons`, { name: 'ingress' });
      assert.equal(reply.status, 202, reply.text);
      assert.deepEqual(reply.body.addon, { name: 'ingress', version: '3.6.12-berth.2' });
      assert.equal(reply.body.operation.kind, 'AddonInstall');
      assert.equal(reply.body.operation.target.addon, 'ingress');
      assert.equal(reply.body.operation.phase, 'Pending');
      const cluster = (await api.get(`${BASE}/web`)).body;
      assert.deepEqual(cluster.spec.addons, [{ name: 'ingress', version: '3.6.12-berth.2' }]);
      assert.equal(reply.body.operation.target.generation, cluster.metadata.generation);
      const listed = (await api.get(`${BASE}/web/addons`)).body.items;
      assert.deepEqual(listed, [{ name: 'ingress', version: '3.6.12-berth.2' }]);
    });

    test('changing settings replaces the entry; bad settings are 400 naming the field', async () => {
      const changed = await api.post(`${BASE}/web/addons`, {
        name: 'ingress',
        config: { replicas: '3' },
      });
      assert.equal(changed.status, 202, changed.text);
      assert.deepEqual((await api.get(`${BASE}/web`)).body.spec.addons, [
        { name: 'ingress', version: '3.6.12-berth.2', config: { replicas: '3' } },
      ]);
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'ingress', config: { replicas: '9' } }, 'config.replicas'],
        [{ name: 'ingress', config: { internal: 'maybe' } }, 'config.internal'],
        [{ name: 'ingress', config: { colour: 'blue' } }, 'config.colour'],
        [{ name: 'ingress', config: { tls: 'amphora' } }, 'config.tls'],
        [{ name: 'ingress', config: { tls: 'loadbalancer' } }, 'config.tlsSecret'],
        [{ name: 'ingress', config: { tlsSecret: 'lb-tls' } }, 'config.tlsSecret'],
        [{ name: 'ingress', version: '9.9' }, 'version'],
        [{ name: 'nginx' }, 'name'],
      ];
      for (const [body, field] of cases)
        assert.deepEqual(problemOf(await api.post(`${BASE}/web/addons`, body)), invalid(field));
      const patched = await api.patch(`${BASE}/web`, {
        spec: { addons: [{ name: 'ingress', config: { replicas: 'many' } }] },
      });
      assert.deepEqual(problemOf(patched), invalid('spec.addons[0].config.replicas'));
      assert.match(patched.body.detail, /integer from 1 to 5/);
    });

    test('addons nobody installs yet are 501 naming the addon, and change nothing', async () => {
      for (const name of ['velero', 'docker-registry']) {
        const reply = await api.post(`${BASE}/web/addons`, { name });
        assert.deepEqual(problemOf(reply), {
          status: 501,
          code: 'BERTH_ERR_NOT_IMPLEMENTED',
          field: 'name',
        });
        assert.match(reply.body.detail, new RegExp(`"${name}"`));
      }
      const created = await api.post(BASE, {
        metadata: { name: 'mon' },
        spec: { addons: [{ name: 'ingress' }, { name: 'velero' }] },
      });
      assert.deepEqual(problemOf(created), {
        status: 501,
        code: 'BERTH_ERR_NOT_IMPLEMENTED',
        field: 'spec.addons[1].name',
      });
      assert.equal((await api.get(`${BASE}/mon`)).status, 404);
      const withIngress = await api.post(BASE, {
        metadata: { name: 'ing' },
        spec: { addons: [{ name: 'ingress', config: { internal: 'true' } }] },
      });
      assert.equal(withIngress.status, 202, withIngress.text);
      assert.equal((await api.get(`${BASE}/web`)).body.spec.addons.length, 1);
    });

    test('metrics-server: default 0.8.0, upgraded to 0.8.1 by installing that version (POST or PATCH)', async () => {
      assert.equal((await api.post(BASE, { metadata: { name: 'ms' } })).status, 202);
      const installed = await api.post(`${BASE}/ms/addons`, { name: 'metrics-server' });
      assert.equal(installed.status, 202, installed.text);
      assert.deepEqual(installed.body.addon, { name: 'metrics-server', version: '0.8.0' });
      const upgraded = await api.post(`${BASE}/ms/addons`, {
        name: 'metrics-server',
        version: '0.8.1',
      });
      assert.equal(upgraded.status, 202, upgraded.text);
      assert.equal(upgraded.body.operation.kind, 'AddonInstall');
      const events = (await api.get(`${BASE}/ms/events`)).body.items as Array<{ message: string }>;
      assert.ok(
        events.some((e) => /Addon metrics-server 0\.8\.1 change requested/.test(e.message)),
      );
      assert.deepEqual((await api.get(`${BASE}/ms`)).body.spec.addons, [
        { name: 'metrics-server', version: '0.8.1' },
      ]);
      const patched = await api.patch(`${BASE}/ms`, {
        spec: { addons: [{ name: 'metrics-server', version: '0.8.0' }] },
      });
      assert.equal(patched.status, 202, patched.text);
      for (const [body, field] of [
        [{ name: 'metrics-server', version: '0.8' }, 'version'],
        [{ name: 'metrics-server', version: '0.9.0' }, 'version'],
        [{ name: 'metrics-server', config: { replicas: '2' } }, 'config.replicas'],
      ] as const)
        assert.deepEqual(problemOf(await api.post(`${BASE}/ms/addons`, body)), invalid(field));
    });

    test('monitoring is installable with typed settings; a bad retention is a 400 naming it', async () => {
      const bad = await api.post(`${BASE}/web/addons`, {
        name: 'monitoring',
        config: { retention: 'forever' },
      });
      assert.deepEqual(problemOf(bad), invalid('config.retention'));
      const unknown = await api.post(`${BASE}/web/addons`, {
        name: 'monitoring',
        config: { storage: '10Gi' },
      });
      assert.deepEqual(problemOf(unknown), invalid('config.storage'));
      const reply = await api.post(`${BASE}/web/addons`, {
        name: 'monitoring',
        config: { retention: '2d', replicas: '1' },
      });
      assert.equal(reply.status, 202, reply.text);
      assert.deepEqual(reply.body.addon, {
        name: 'monitoring',
        version: '0.85.0-berth.2',
        config: { retention: '2d', replicas: '1' },
      });
      assert.equal(reply.body.operation.kind, 'AddonInstall');
      const removed = await api.delete(`${BASE}/web/addons/monitoring`);
      assert.equal(removed.status, 202, removed.text);
    });

    test('removing opens AddonRemove for that addon and takes it out of the spec', async () => {
      const reply = await api.delete(`${BASE}/web/addons/ingress`);
      assert.equal(reply.status, 202, reply.text);
      assert.equal(reply.body.operation.kind, 'AddonRemove');
      assert.equal(reply.body.operation.target.addon, 'ingress');
      assert.deepEqual((await api.get(`${BASE}/web`)).body.spec.addons, []);
      assert.deepEqual(problemOf(await api.delete(`${BASE}/web/addons/ingress`)), {
        status: 404,
        code: 'BERTH_ERR_ADDON_NOT_FOUND',
      });
    });
  });
}
