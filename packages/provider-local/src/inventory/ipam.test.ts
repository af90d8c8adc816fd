import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allocate, Ipam, type SubnetAllocations } from './ipam.js';
import { JsonFileInventory } from './json-file-inventory.js';

const table = (cidr: string, gatewayIp?: string): SubnetAllocations => ({
  cidr,
  gatewayIp,
  allocations: {},
});

test('allocation skips network, gateway and broadcast', () => {
  const t = table('10.0.0.0/30', '10.0.0.1');
  assert.equal(allocate(t, 'a'), '10.0.0.2');
  t.allocations['10.0.0.2'] = 'a';
  assert.throws(() => allocate(t, 'b'), { code: 'BERTH_ERR_PROVIDER_QUOTA' });
  assert.throws(() => allocate(table('10.0.0.0/31'), 'x'), { code: 'BERTH_ERR_PROVIDER_QUOTA' });
});

test('requested addresses are checked', () => {
  const t = table('10.0.0.0/24', '10.0.0.1');
  t.allocations['10.0.0.9'] = 'other';
  assert.equal(allocate(t, 'a', '10.0.0.50'), '10.0.0.50');
  for (const bad of ['10.0.0.0', '10.0.0.1', '10.0.0.255', '10.0.1.5']) {
    assert.throws(() => allocate(t, 'a', bad), { code: 'BERTH_ERR_VALIDATION' }, bad);
  }
  assert.throws(() => allocate(t, 'a', '10.0.0.9'), { code: 'BERTH_ERR_CONFLICT' });
});

test('Ipam is idempotent per owner, releases, and refuses to drop a used subnet', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ipam-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ipam = new Ipam(new JsonFileInventory(path.join(dir, 'inventory.json')));
  await ipam.ensureSubnet('s', '10.1.2.0/24', '10.1.2.1');
  const a = await ipam.allocate('s', 'server:a');
  assert.equal(a, '10.1.2.2');
  assert.equal(await ipam.allocate('s', 'server:a'), a);
  assert.equal(await ipam.allocate('s', 'server:b'), '10.1.2.3');
  const all = await Promise.all(['c', 'd', 'e'].map((o) => ipam.allocate('s', `server:${o}`)));
  assert.equal(new Set(all).size, 3);
  await assert.rejects(ipam.removeSubnet('s'), { code: 'BERTH_ERR_CONFLICT' });
  await ipam.release('s', 'server:a');
  assert.equal(await ipam.allocate('s', 'server:f'), '10.1.2.2', 'a released address is reused');
  for (const o of ['b', 'c', 'd', 'e', 'f']) await ipam.release('s', `server:${o}`);
  await ipam.removeSubnet('s');
  assert.equal(await ipam.table('s'), undefined);
  await assert.rejects(ipam.allocate('s', 'x'), { code: 'BERTH_ERR_NOT_FOUND' });
});

test('allocation pools bound both automatic and requested addresses', () => {
  const t = {
    ...table('10.0.0.0/24', '10.0.0.1'),
    pools: [{ start: '10.0.0.10', end: '10.0.0.11' }],
  };
  assert.equal(allocate(t, 'a'), '10.0.0.10');
  t.allocations['10.0.0.10'] = 'a';
  assert.equal(allocate(t, 'b'), '10.0.0.11');
  t.allocations['10.0.0.11'] = 'b';
  assert.throws(() => allocate(t, 'c'), { code: 'BERTH_ERR_PROVIDER_QUOTA' });
  assert.throws(() => allocate(t, 'c', '10.0.0.50'), { code: 'BERTH_ERR_VALIDATION' });
});
