import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from './testing/index.js';

for (const backend of storeBackends()) {
  describe(`sealed cluster secrets on ${backend.name}`, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());

    test('put replaces, get reads, delete and deleteCluster remove, clusters stay apart', async () => {
      const store = await backend.open();
      try {
        await store.secrets.put('c1', 'ca.key', 'sealed-1');
        await store.secrets.put('c1', 'ca.key', 'sealed-2');
        await store.secrets.put('c1', 'sa.key', 'sealed-3');
        await store.secrets.put('c2', 'ca.key', 'other');
        assert.equal(await store.secrets.get('c1', 'ca.key'), 'sealed-2');
        assert.equal(await store.secrets.get('c1', 'missing'), undefined);
        await store.secrets.delete('c1', 'sa.key');
        assert.equal(await store.secrets.get('c1', 'sa.key'), undefined);
        await store.secrets.deleteCluster('c1');
        assert.equal(await store.secrets.get('c1', 'ca.key'), undefined);
        assert.equal(await store.secrets.get('c2', 'ca.key'), 'other');
      } finally {
        await store.close();
      }
    });
  });
}
