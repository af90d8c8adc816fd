import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '@berth/store';
import { storeBackends } from '@berth/store/testing';
import { applyClusterDefaults } from '@berth/api-types';
import { client, testApp, type TestApp } from './testing/app.js';

for (const backend of storeBackends()) {
  describe(`two replicas sharing one ${backend.name} database`, () => {
    let a: TestApp;
    let b: TestApp;
    let storeB: Store;

    before(async () => {
      await backend.setUp();
      const options = await backend.freshOptions();
      a = await testApp(await openStore(options), { options: { changePollMs: 50, ssePollMs: 50 } });
      storeB = await openStore(options);
      b = await testApp(storeB, { options: { changePollMs: 50, ssePollMs: 50 } });
    });
    after(async () => {
      try {
        for (const t of [a, b]) {
          await t?.app.close();
          await t?.store.close();
        }
      } finally {
        await backend.tearDown();
      }
    });

    test("a cached list on one replica shows the other replica's writes within the poll interval", async () => {
      const apiA = client(a.app, a.adminSecret);
      const apiB = client(b.app, b.adminSecret);
      const before = await apiA.get('/v1/projects/default/clusters');
      assert.equal(before.body.items.length, 0);
      assert.equal(
        (await apiB.post('/v1/projects/default/clusters', { metadata: { name: 'from-b' } })).status,
        202,
      );
      const spec = applyClusterDefaults({}, { defaultVersion: '1.34' });
      await storeB.clusters.create({ project: 'default', name: 'from-store-b', spec });
      let names: string[] = [];
      for (let i = 0; i < 40 && names.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 25));
        names = (await apiA.get('/v1/projects/default/clusters')).body.items.map(
          (c: { metadata: { name: string } }) => c.metadata.name,
        );
      }
      assert.deepEqual(names, ['from-b', 'from-store-b']);
      assert.equal(
        (await apiA.get('/v1/projects/default/clusters/from-b')).status,
        200,
        'single reads are always current',
      );
    });

    test('tokens created on one replica work on the other; idempotency keys are shared', async () => {
      const created = await client(a.app, a.adminSecret).post('/v1/projects/default/tokens', {
        name: 'shared',
        role: 'member',
      });
      const onB = client(b.app, created.body.secret);
      const first = await onB.post(
        '/v1/projects/default/clusters',
        { metadata: { name: 'idem' } },
        { 'idempotency-key': 'k1' },
      );
      const onA = client(a.app, created.body.secret);
      const again = await onA.post(
        '/v1/projects/default/clusters',
        { metadata: { name: 'idem' } },
        { 'idempotency-key': 'k1' },
      );
      assert.equal(first.status, 202);
      assert.deepEqual(again.body, first.body);
    });
  });
}
