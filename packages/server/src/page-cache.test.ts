import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageCache } from './page-cache.js';

test('LRU evicts the least recently used entry', () => {
  const cache = new PageCache(2);
  cache.set('a', Buffer.from('a'));
  cache.set('b', Buffer.from('b'));
  cache.get('a');
  cache.set('c', Buffer.from('c'));
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a')?.toString(), 'a');
  assert.equal(cache.get('c')?.toString(), 'c');
});

test('concurrent misses share one build; failures are not cached', async () => {
  const cache = new PageCache();
  let builds = 0;
  const build = async () => {
    builds++;
    await new Promise((r) => setTimeout(r, 10));
    return Buffer.from('page');
  };
  const pages = await Promise.all(Array.from({ length: 20 }, () => cache.getOrBuild('k', build)));
  assert.equal(builds, 1);
  assert.ok(pages.every((p) => p.toString() === 'page'));
  await assert.rejects(
    cache.getOrBuild('bad', async () => Promise.reject(new Error('store down'))),
  );
  assert.equal((await cache.getOrBuild('bad', build)).toString(), 'page');
});
