import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnless } from './prerequisites.js';

test('a missing prerequisite skips a suite on a laptop and fails it under BERTH_E2E=required', () => {
  assert.equal(skipUnless({ root: true, nft: true }, {}), false);
  assert.equal(skipUnless({ root: false, nft: true, kubectl: false }, {}), 'needs root, kubectl');
  assert.throws(
    () => skipUnless({ root: false }, { BERTH_E2E: 'required' }),
    /BERTH_E2E=required and this suite needs root/,
  );
  assert.equal(skipUnless({ root: true }, { BERTH_E2E: 'required' }), false);
});
