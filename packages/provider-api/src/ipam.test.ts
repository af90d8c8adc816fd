import { cidrContains, cidrsOverlap, formatIpv4, parseCidr, parseIpv4 } from '@berth/net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allocateAddress,
  defaultAllocationPools,
  defaultGateway,
  hostRange,
  poolsContain,
} from './ipam.js';

test('parses and formats IPv4 addresses both ways', () => {
  for (const address of ['0.0.0.0', '10.0.0.1', '192.168.255.254', '255.255.255.255']) {
    assert.equal(formatIpv4(parseIpv4(address)), address);
  }
  assert.equal(parseIpv4('10.0.0.1'), 167772161);
});

test('rejects malformed addresses and CIDRs with BERTH_ERR_VALIDATION', () => {
  for (const bad of ['10.0.0', '10.0.0.256', '10.0.0.01', 'a.b.c.d', '1.2.3.4.5']) {
    assert.throws(() => parseIpv4(bad), { code: 'BERTH_ERR_VALIDATION' }, bad);
  }
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.5/24', '10.0.0.0/x', '10.0.0.0/24/1']) {
    assert.throws(() => parseCidr(bad), { code: 'BERTH_ERR_VALIDATION' }, bad);
  }
});

test('containment and overlap', () => {
  assert.equal(cidrContains('10.0.0.0/24', '10.0.0.255'), true);
  assert.equal(cidrContains('10.0.0.0/24', '10.0.1.0'), false);
  assert.equal(cidrsOverlap('10.0.0.0/16', '10.0.5.0/24'), true);
  assert.equal(cidrsOverlap('10.0.0.0/24', '10.0.1.0/24'), false);
});

test('host range, gateway and pools follow Neutron defaults', () => {
  assert.deepEqual(hostRange('10.0.0.0/29'), { start: '10.0.0.1', end: '10.0.0.6' });
  assert.equal(defaultGateway('10.0.0.0/24'), '10.0.0.1');
  assert.deepEqual(defaultAllocationPools('10.0.0.0/29', '10.0.0.1'), [
    { start: '10.0.0.2', end: '10.0.0.6' },
  ]);
  assert.deepEqual(defaultAllocationPools('10.0.0.0/29', '10.0.0.4'), [
    { start: '10.0.0.1', end: '10.0.0.3' },
    { start: '10.0.0.5', end: '10.0.0.6' },
  ]);
  assert.throws(() => hostRange('10.0.0.0/31'), { code: 'BERTH_ERR_VALIDATION' });
});

test('allocates the lowest free address and reports exhaustion', () => {
  const pools = defaultAllocationPools('10.0.0.0/29', '10.0.0.1');
  assert.equal(allocateAddress(pools, []), '10.0.0.2');
  assert.equal(allocateAddress(pools, ['10.0.0.2', '10.0.0.3']), '10.0.0.4');
  assert.equal(allocateAddress(pools, ['10.0.0.2', '10.0.0.4']), '10.0.0.3');
  const all = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
  assert.equal(allocateAddress(pools, all), undefined);
  assert.equal(poolsContain(pools, '10.0.0.1'), false);
  assert.equal(poolsContain(pools, '10.0.0.6'), true);
});
