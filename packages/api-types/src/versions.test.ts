import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveVersion, upgradeRefusal } from './versions.js';

test('upgrade rules: forward by at most one minor, patches upward', () => {
  assert.equal(upgradeRefusal('1.33', '1.34'), undefined);
  assert.equal(upgradeRefusal('1.33.2', '1.33.5'), undefined);
  assert.match(upgradeRefusal('1.34', '1.33') ?? '', /downgrade/);
  assert.match(upgradeRefusal('1.32', '1.34') ?? '', /skips a minor/);
  assert.match(upgradeRefusal('1.34', '1.34') ?? '', /already runs/);
  assert.match(upgradeRefusal('1.34.2', '1.34.1') ?? '', /already runs/);
  assert.match(upgradeRefusal('1.34', '2.0') ?? '', /major/);
});

test('resolveVersion accepts a minor or its exact patch', () => {
  const versions = [
    { version: '1.34', patch: '1.34.2', default: true, endOfSupport: '2026-10-27', upgradesTo: [] },
  ];
  assert.equal(resolveVersion('1.34.2', versions)?.version, '1.34');
  assert.equal(resolveVersion('1.34', versions)?.patch, '1.34.2');
  assert.equal(resolveVersion('1.34.1', versions), undefined);
});
