import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRunner } from '@berth/exec';
import { ensureBridge, ensureVethPair, parseLinkList, replaceRoute } from './links.js';
import { deleteNamespace, ensureNamespace, listNamespaces, parseNamespaceList } from './netns.js';
import { applyTable, deleteTable, parseTableList, replaceTableScript } from './nft.js';

test('namespace list parsing copes with no /run/netns at all', () => {
  assert.deepEqual(parseNamespaceList(''), []);
  assert.deepEqual(parseNamespaceList('[{"name":"berth-s-1","id":0},{"name":"x"}]'), [
    'berth-s-1',
    'x',
  ]);
});

test('ensureNamespace adds only a missing namespace, then brings lo up', async () => {
  const runner = new FakeRunner().on('ip -j netns list', { stdout: '[{"name":"berth-fabric"}]' });
  await ensureNamespace({ runner }, 'berth-fabric');
  await ensureNamespace({ runner }, 'berth-r-1');
  assert.deepEqual(runner.lines(), [
    'ip -j netns list',
    'ip -n berth-fabric link set lo up',
    'ip -j netns list',
    'ip netns add berth-r-1',
    'ip -n berth-r-1 link set lo up',
  ]);
  assert.deepEqual(await listNamespaces({ runner }, 'berth-f'), ['berth-fabric']);
});

test('deleting an absent namespace is a no-op', async () => {
  const runner = new FakeRunner().on('ip -j netns list', { stdout: '[]' });
  await deleteNamespace({ runner }, 'berth-s-1');
  assert.deepEqual(runner.lines(), ['ip -j netns list']);
});

test('a half-made veth pair is deleted and made again; a whole one is left alone', async () => {
  const spec = { name: 'berth-vabc', ns: 'berth-fabric', peerName: 'eth0', peerNs: 'berth-s-1' };
  const half = new FakeRunner().on('ip -n berth-s-1 link show', { exitCode: 1 });
  await ensureVethPair({ runner: half }, spec);
  assert.deepEqual(half.lines().slice(2), [
    'ip -n berth-fabric link show dev berth-vabc',
    'ip -n berth-fabric link del dev berth-vabc',
    'ip -n berth-fabric link add berth-vabc type veth peer name eth0 netns berth-s-1',
  ]);
  const whole = new FakeRunner();
  await ensureVethPair({ runner: whole }, spec);
  assert.equal(whole.lines().length, 2);
});

test('bridges are created once and always set up; routes are replaced', async () => {
  const runner = new FakeRunner();
  await ensureBridge({ runner }, 'berth-ext0');
  await replaceRoute({ runner }, { to: 'default', via: '10.0.0.1', dev: 'eth0' }, 'berth-s-1');
  assert.deepEqual(runner.lines(), [
    'ip link show dev berth-ext0',
    'ip link set dev berth-ext0 up',
    'ip -n berth-s-1 route replace default via 10.0.0.1 dev eth0',
  ]);
  assert.deepEqual(
    parseLinkList(
      '[{"ifname":"eth0","master":"br","flags":["UP"],"linkinfo":{"info_kind":"veth"}}]',
    ),
    [{ name: 'eth0', kind: 'veth', master: 'br', up: true }],
  );
});

test('tables are replaced in one transaction, inside the namespace', async () => {
  const runner = new FakeRunner();
  const ref = { family: 'inet' as const, name: 'berth-sg', ns: 'berth-s-1' };
  await applyTable({ runner }, ref, 'table inet berth-sg {}\n');
  assert.deepEqual(runner.lines(), ['ip netns exec berth-s-1 nft -f -']);
  assert.equal(
    runner.calls[0]?.options.input,
    'add table inet berth-sg\ndelete table inet berth-sg\ntable inet berth-sg {}\n',
  );
  assert.equal(
    replaceTableScript(ref, 'x'),
    'add table inet berth-sg\ndelete table inet berth-sg\nx',
  );
});

test('deleteTable deletes only a table that exists', async () => {
  const listing =
    '{"nftables":[{"metainfo":{}},{"table":{"family":"inet","name":"berth-guard","handle":1}}]}';
  assert.deepEqual(parseTableList(listing), [{ family: 'inet', name: 'berth-guard' }]);
  const runner = new FakeRunner().on('nft -j list tables', { stdout: listing });
  await deleteTable({ runner }, { family: 'inet', name: 'berth-guard' });
  await deleteTable({ runner }, { family: 'ip', name: 'other' });
  assert.deepEqual(runner.lines(), [
    'nft -j list tables',
    'nft delete table inet berth-guard',
    'nft -j list tables',
  ]);
});
