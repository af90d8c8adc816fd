import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, cidrsOverlap, ipToInt, intToIp, nthAddress, parseCidr } from './cidr.js';
import { linkName, namespaceNames, assertPrefix, MAX_IFNAME } from '../names.js';

test('addresses round-trip and CIDRs parse strictly', () => {
  assert.equal(intToIp(ipToInt('198.18.0.255')), '198.18.0.255');
  assert.deepEqual(parseCidr('10.0.0.0/8'), { network: ipToInt('10.0.0.0'), prefix: 8 });
  for (const bad of ['10.0.0.1/24', '10.0.0.0/33', '10.0.0/24', '10.0.0.256/32', '10.0.0.0']) {
    assert.throws(() => parseCidr(bad), { code: 'BERTH_ERR_VALIDATION' }, bad);
  }
  const ext = parseCidr('198.18.0.0/24');
  assert.equal(nthAddress(ext, 1), '198.18.0.1');
  assert.ok(cidrContains(ext, '198.18.0.200'));
  assert.ok(!cidrContains(ext, '198.18.1.0'));
  assert.ok(cidrsOverlap(parseCidr('10.0.0.0/16'), parseCidr('10.0.3.0/24')));
  assert.ok(!cidrsOverlap(parseCidr('10.0.0.0/24'), parseCidr('10.0.1.0/24')));
});

test('link names fit IFNAMSIZ, keep the prefix and are stable', () => {
  for (const prefix of ['berth-', 'b-', 'bt9z1-']) {
    const name = linkName(prefix, 'v', 'server-0123456789');
    assert.equal(name.length, MAX_IFNAME);
    assert.ok(name.startsWith(`${prefix}v`));
    assert.equal(name, linkName(prefix, 'v', 'server-0123456789'));
    assert.notEqual(name, linkName(prefix, 'v', 'server-0123456788'));
  }
  assert.throws(() => assertPrefix('berth'), { code: 'BERTH_ERR_VALIDATION' });
  assert.throws(() => assertPrefix('toolong-'), { code: 'BERTH_ERR_VALIDATION' });
  assert.match(namespaceNames('berth-').server('x'), /^berth-s-[0-9a-f]{12}$/);
});
