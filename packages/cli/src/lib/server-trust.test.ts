import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFingerprint } from './server-trust.js';

test('parseFingerprint takes sha256: and 64 hex digits, with or without colons, any case', () => {
  const hex = '0123456789abcdef'.repeat(4);
  assert.equal(parseFingerprint(`sha256:${hex}`), `sha256:${hex}`);
  assert.equal(parseFingerprint(`SHA256:${hex.toUpperCase()}`), `sha256:${hex}`);
  assert.equal(parseFingerprint(`sha256:${hex.match(/../g)!.join(':')}`), `sha256:${hex}`);
  for (const bad of [hex, `sha256:${hex.slice(2)}`, `sha1:${hex}`, `sha256:${hex}00`, 'sha256:'])
    assert.throws(() => parseFingerprint(bad), /--ca-fingerprint must be sha256:/);
});
