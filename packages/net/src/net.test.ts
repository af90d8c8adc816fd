import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalCidr,
  cidrContains,
  cidrsOverlap,
  formatIpv4,
  isIpv4,
  nthAddress,
  parseCidr,
  parseIpv4,
  readCidr,
  withPrefix,
} from './index.js';

test('addresses: parse, format, reject what is not dotted-quad IPv4', () => {
  assert.equal(parseIpv4('10.0.0.1'), 167772161);
  assert.equal(formatIpv4(167772161), '10.0.0.1');
  for (const bad of ['10.0.0', '256.0.0.1', '01.0.0.1', '1.2.3.4.5', 'a.b.c.d', ''])
    assert.equal(isIpv4(bad), false, bad);
  assert.throws(() => parseIpv4('10.0.0.256', 'vip'), {
    code: 'BERTH_ERR_VALIDATION',
    field: 'vip',
  });
});

test('CIDRs: host bits are reported with the canonical form; prefixes above 32 refused', () => {
  assert.deepEqual(readCidr('10.1.2.3/16'), { network: 167838211, prefix: 16 });
  assert.equal(canonicalCidr(readCidr('10.1.2.3/16')!), '10.1.0.0/16');
  assert.equal(readCidr('10.0.0.0/33'), undefined);
  assert.equal(readCidr('256.0.0.0/8'), undefined);
  assert.throws(() => parseCidr('10.0.0.5/24', 'spec.network.subnetCidr'), {
    field: 'spec.network.subnetCidr',
    message: '"10.0.0.5/24" has host bits set; did you mean 10.0.0.0/24?',
  });
});

test('containment, overlap, nth address and prefixes', () => {
  assert.equal(cidrContains('10.0.0.0/24', '10.0.0.255'), true);
  assert.equal(cidrContains('10.0.0.0/24', '10.0.1.0'), false);
  assert.equal(cidrsOverlap('10.0.0.0/8', '10.200.0.0/16'), true);
  assert.equal(cidrsOverlap('10.0.0.0/8', '11.0.0.0/8'), false);
  assert.equal(cidrsOverlap('255.255.255.255/32', '0.0.0.0/0'), true);
  assert.equal(nthAddress('10.0.0.0/24', 1), '10.0.0.1');
  assert.throws(() => nthAddress('10.0.0.0/30', 4), /outside 10\.0\.0\.0\/30/);
  assert.equal(withPrefix('10.0.0.7', '10.0.0.0/24'), '10.0.0.7/24');
});
