import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContinue, encodeContinue, pageLimit, toPage } from './page.js';

test('continue tokens round-trip and reject garbage', () => {
  assert.equal(decodeContinue(encodeContinue('name-7')), 'name-7');
  assert.equal(decodeContinue(undefined), undefined);
  assert.throws(() => decodeContinue('%%%'), /continue/);
  assert.throws(() => decodeContinue(Buffer.from('{"b":1}').toString('base64url')), /continue/);
});

test('limits default to 100 and stay within 1..500', () => {
  assert.equal(pageLimit({}), 100);
  assert.equal(pageLimit({ limit: 500 }), 500);
  assert.throws(() => pageLimit({ limit: 0 }));
  assert.throws(() => pageLimit({ limit: 501 }));
});

test('toPage cuts at the limit and points past the last item', () => {
  const page = toPage(['a', 'b', 'c'], 2, (x) => x);
  assert.deepEqual(page.items, ['a', 'b']);
  assert.equal(decodeContinue(page.continue), 'b');
  assert.equal(toPage(['a'], 2, (x) => x).continue, undefined);
});
