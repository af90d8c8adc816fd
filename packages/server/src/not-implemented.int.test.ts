/**
 * Every field whose feature no controller implements yet is refused with 501 naming the field,
 * while its default stays accepted, and a refused request changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';
const NOT_IMPLEMENTED = { status: 501, code: 'BERTH_ERR_NOT_IMPLEMENTED' };

for (const backend of storeBackends()) {
  describe(`unimplemented fields are refused on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      api = client(t.app, t.adminSecret);
      assert.equal((await api.post(BASE, { metadata: { name: 'base' } })).status, 202);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    const refusedCreates: Array<[string, Record<string, unknown>, string]> = [
      ['addons', { addons: [{ name: 'velero' }] }, 'spec.addons[0].name'],
    ];
    for (const [what, spec, field] of refusedCreates) {
      test(`cluster create with ${what} → 501 naming ${field}, nothing created`, async () => {
        const name = `c-${what.replace(/ /g, '-')}`;
        const reply = await api.post(BASE, { metadata: { name }, spec });
        assert.deepEqual(problemOf(reply), { ...NOT_IMPLEMENTED, field });
        assert.match(reply.body.detail, /not implemented/);
        assert.equal((await api.get(`${BASE}/${name}`)).status, 404);
      });
    }

    test('defaults stay accepted: explicit default autoscaling and volume, empty addons', async () => {
      const reply = await api.post(BASE, {
        metadata: { name: 'defaults' },
        spec: {
          addons: [],
          nodeGroups: [
            {
              name: 'default',
              count: 3,
              autoscaling: { enabled: false, min: 1, max: 10 },
              volume: { type: 'ssd', sizeGb: 20 },
            },
          ],
        },
      });
      assert.equal(reply.status, 202, reply.text);
    });

    test('node group changes other than addons pass', async () => {
      const groups = `${BASE}/base/nodegroups`;
      const scaled = await api.patch(`${groups}/default`, { spec: { count: 5 } });
      assert.equal(scaled.status, 202, scaled.text);
      const reflavored = await api.patch(`${groups}/default`, { spec: { flavor: 'std-4-8' } });
      assert.equal(reflavored.status, 202, reflavored.text);
      // The volume is each real node's root disk (a change rolls the nodes).
      const resized = await api.patch(`${groups}/default`, { spec: { volume: { sizeGb: 40 } } });
      assert.equal(resized.status, 202, resized.text);
      assert.deepEqual(
        problemOf(await api.patch(`${groups}/default`, { spec: { volume: { type: 'tape' } } })),
        { status: 400, code: 'BERTH_ERR_VALIDATION', field: 'spec.volume.type' },
      );
    });

    test('addons: a cluster patch and the addons endpoint are refused; bad input stays 400', async () => {
      assert.deepEqual(
        problemOf(await api.patch(`${BASE}/base`, { spec: { addons: [{ name: 'velero' }] } })),
        { ...NOT_IMPLEMENTED, field: 'spec.addons[0].name' },
      );
      assert.deepEqual(
        problemOf(await api.post(`${BASE}/base/addons`, { name: 'velero', version: '1.16' })),
        { ...NOT_IMPLEMENTED, field: 'name' },
      );
      assert.deepEqual(
        problemOf(await api.post(`${BASE}/base/addons`, { name: 'velero', version: '0.1' })),
        { status: 400, code: 'BERTH_ERR_VALIDATION', field: 'version' },
      );
      assert.deepEqual(problemOf(await api.post(`${BASE}/missing/addons`, { name: 'velero' })), {
        status: 404,
        code: 'BERTH_ERR_CLUSTER_NOT_FOUND',
      });
      const operations = (await api.get(`${BASE}/base`)).body;
      assert.deepEqual(operations.spec.addons, []);
    });
  });
}
