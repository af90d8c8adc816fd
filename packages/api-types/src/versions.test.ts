import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveVersion, upgradeRefusal } from './versions.js';
import { canonicalCidr, cidrsOverlap, parseIpv4Cidr } from './cidr.js';

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
  const versions = [{ version: '1.34', patch: '1.34.2', default: true }];
  assert.equal(resolveVersion('1.34.2', versions)?.version, '1.34');
  assert.equal(resolveVersion('1.34', versions)?.patch, '1.34.2');
  assert.equal(resolveVersion('1.34.1', versions), undefined);
});

test('cidr parsing, canonical form and overlap', () => {
  assert.equal(parseIpv4Cidr('10.0.0.0/33'), undefined);
  assert.equal(parseIpv4Cidr('256.0.0.0/8'), undefined);
  const odd = parseIpv4Cidr('10.1.2.3/16')!;
  assert.equal(canonicalCidr(odd), '10.1.0.0/16');
  const a = parseIpv4Cidr('10.0.0.0/8')!;
  const b = parseIpv4Cidr('10.200.0.0/16')!;
  const c = parseIpv4Cidr('11.0.0.0/8')!;
  assert.equal(cidrsOverlap(a, b), true);
  assert.equal(cidrsOverlap(b, a), true);
  assert.equal(cidrsOverlap(a, c), false);
  assert.equal(
    cidrsOverlap(parseIpv4Cidr('255.255.255.255/32')!, parseIpv4Cidr('0.0.0.0/0')!),
    true,
  );
});
