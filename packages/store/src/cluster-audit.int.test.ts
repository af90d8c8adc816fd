import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeBackends } from './testing/index.js';
import type { Store } from './store.js';

for (const backend of storeBackends()) {
  describe(`cluster audit events on ${backend.name}`, () => {
    let store: Store;
    before(async () => {
      await backend.setUp();
      store = await backend.open();
    });
    after(async () => {
      await store?.close();
      await backend.tearDown();
    });

    test('append ignores repeats, list is newest first, prune keeps the newest per cluster', async () => {
      const now = Date.now();
      const ev = (id: string, t: number) => ({
        auditId: id,
        time: t,
        event: { verb: 'create', id },
      });
      await store.clusterAudit.append('c1', [ev('a', now - 3000), ev('b', now - 2000)]);
      await store.clusterAudit.append('c1', [ev('b', now - 2000), ev('c', now - 1000)]);
      await store.clusterAudit.append('c2', [ev('a', now - 500)]);
      assert.deepEqual(
        (await store.clusterAudit.list('c1', 10)).map((e) => e.auditId),
        ['c', 'b', 'a'],
      );
      assert.deepEqual((await store.clusterAudit.list('c1', 1))[0]!.event, {
        verb: 'create',
        id: 'c',
      });
      await store.clusterAudit.prune({ perCluster: 2, maxAgeMs: 60_000 });
      assert.deepEqual(
        (await store.clusterAudit.list('c1', 10)).map((e) => e.auditId),
        ['c', 'b'],
      );
      await store.clusterAudit.prune({ perCluster: 10, maxAgeMs: 1_500 });
      assert.deepEqual(
        (await store.clusterAudit.list('c1', 10)).map((e) => e.auditId),
        ['c'],
      );
      assert.equal((await store.clusterAudit.list('c2', 10)).length, 1);
    });
  });
}
