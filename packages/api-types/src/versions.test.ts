import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareVersions,
  nodeGroupTargetVersion,
  resolveVersion,
  skewRefusal,
  upgradeRefusal,
} from './versions.js';

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

test('versions order by minor, then patch; a bare minor stands for its newest patch', () => {
  assert.ok(compareVersions('1.33', '1.34') < 0);
  assert.ok(compareVersions('1.34.2', '1.34.10') < 0);
  assert.ok(compareVersions('1.34', '1.34.9') > 0);
  assert.equal(compareVersions('1.34', '1.34'), 0);
});

test('skew: nodes up to three minors behind the control plane, never ahead', () => {
  assert.equal(skewRefusal('1.34', '1.34'), undefined);
  assert.equal(skewRefusal('1.31', '1.34'), undefined);
  assert.equal(skewRefusal('1.34.1', '1.34'), undefined);
  assert.match(skewRefusal('1.30', '1.34') ?? '', /4 minors behind/);
  assert.match(skewRefusal('1.35', '1.34') ?? '', /newer than the control plane/);
  assert.match(skewRefusal('1.34.3', '1.34.2') ?? '', /newer/);
});

test("a group's target never passes what every master runs", () => {
  // Following the cluster mid-upgrade: stays at the control plane's version until it moves.
  assert.equal(nodeGroupTargetVersion(undefined, '1.35', '1.34'), '1.34');
  assert.equal(nodeGroupTargetVersion(undefined, '1.35', '1.35'), '1.35');
  // Pinned: stays, even as the control plane moves on.
  assert.equal(nodeGroupTargetVersion('1.33', '1.35', '1.35'), '1.33');
  assert.equal(nodeGroupTargetVersion('1.35', '1.35', '1.34'), '1.34');
  // A cluster from before controlPlaneVersion existed: the cluster's version.
  assert.equal(nodeGroupTargetVersion(undefined, '1.34', undefined), '1.34');
});
