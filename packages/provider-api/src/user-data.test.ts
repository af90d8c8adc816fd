import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, hashUserData } from './user-data.js';

test('canonical JSON sorts keys recursively and drops undefined members', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: 'x' } }),
    '{"a":{"c":"x","d":[2,{"z":1}]},"b":1}',
  );
});

test('user data hash ignores key order but not content', () => {
  const a = { files: [{ path: '/etc/x', content: 'hi', mode: 0o600 }], services: [] };
  const b = { services: [], files: [{ mode: 0o600, content: 'hi', path: '/etc/x' }] };
  assert.equal(hashUserData(a), hashUserData(b));
  assert.notEqual(
    hashUserData(a),
    hashUserData({ ...a, files: [{ path: '/etc/x', content: 'ho' }] }),
  );
  assert.match(hashUserData(a), /^[0-9a-f]{64}$/);
});
