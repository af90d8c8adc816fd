import { test } from 'node:test';
import { until } from '@berth/test-kit';
import assert from 'node:assert/strict';
import type { Server } from '@berth/provider-api';
import { createCluster, startWorld, type World } from '../testing/world.js';
import { MasterDowntime } from './master-repair.js';

const never = new AbortController().signal;
const masterTags = (uid: string) => ({
  tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'master' },
});
const controlPlane = (world: World, uid: string) =>
  world.store.clusters.get(uid)?.status.conditions.find((c) => c.type === 'ControlPlaneReady');

function server(name: string, createdAt = '2026-01-01T00:00:00Z'): Server {
  return { id: `id-${name}`, name, createdAt } as Server;
}

test('MasterDowntime: replaces a master that stayed down, one at a time, never below quorum', () => {
  const d = new MasterDowntime({ replaceAfterMs: 60_000, joinTimeoutMs: 600_000 });
  const masters = ['m0', 'm1', 'm2'].map((n) => server(n));
  const at = (s: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + s * 1000);
  assert.deepEqual(d.judge(masters, new Set(), at(0)), {});
  const first = d.judge(masters, new Set(['m1']), at(10));
  assert.equal(first.replace, undefined);
  assert.match(first.waiting ?? '', /m1 is replaced if it is still down in 60 s/);
  assert.equal(d.judge(masters, new Set(['m1']), at(69)).replace, undefined);
  assert.equal(d.judge(masters, new Set(['m1']), at(70)).replace?.name, 'm1');
  // Two of three down: replacing either could cost quorum, however long they are down.
  const two = d.judge(masters, new Set(['m1', 'm2']), at(500));
  assert.equal(two.replace, undefined);
  assert.match(two.waiting ?? '', /only 1 of 3 masters serve/);
  // Back up: the clock resets.
  d.judge(masters, new Set(), at(501));
  assert.equal(d.judge(masters, new Set(['m1']), at(502)).replace, undefined);
});

test('MasterDowntime: a new master that never served gets the join timeout first', () => {
  const d = new MasterDowntime({ replaceAfterMs: 1_000, joinTimeoutMs: 300_000 });
  const created = '2026-06-01T00:00:00Z';
  const masters = [server('m0'), server('m1', created), server('m2')];
  d.judge(masters, new Set(['m1']), new Date(created));
  const early = d.judge(masters, new Set(['m1']), new Date(Date.parse(created) + 10_000));
  assert.equal(early.replace, undefined);
  const late = d.judge(masters, new Set(['m1']), new Date(Date.parse(created) + 300_000));
  assert.equal(late.replace?.name, 'm1');
});

test('a master that stays in ERROR is replaced in its slot and the control plane recovers', async (t) => {
  const world = await startWorld({}, { masterRepair: { replaceAfterMs: 300, joinTimeoutMs: 0 } });
  t.after(() => world.stop());
  const cluster = createCluster(world, 'heal', { controlPlane: { count: 3 } });
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const before = await world.provider.servers.list(masterTags(uid), never);
  const victim = before.find((m) => m.name.endsWith('-1'))!;

  world.provider.crashServer(victim.id);
  world.controllers.clusters.enqueue(uid);
  await until(
    'master replaced and Running',
    async () => {
      const now = await world.provider.servers.list(masterTags(uid), never);
      const slot = now.find((m) => m.name === victim.name);
      return (
        slot !== undefined &&
        slot.id !== victim.id &&
        slot.status === 'ACTIVE' &&
        controlPlane(world, uid)?.status === 'True'
      );
    },
    { intervalMs: 20 },
  );
  const after = await world.provider.servers.list(masterTags(uid), never);
  assert.equal(after.length, 3, 'the old server is gone, no extra one');
  const successor = after.find((m) => m.name === victim.name)!;
  assert.equal(successor.ports[0]!.fixedIp, victim.ports[0]!.fixedIp);
  assert.equal(successor.zone, victim.zone);
  const others = before.filter((m) => m.id !== victim.id).map((m) => m.id);
  assert.deepEqual(
    after
      .filter((m) => m.id !== successor.id)
      .map((m) => m.id)
      .sort(),
    others.sort(),
    'only the dead master was touched',
  );
  assert.ok(world.store.eventReasons(uid).includes('MasterReplaced'));
});

test('with two of three masters down, Berth replaces none and says why', async (t) => {
  const world = await startWorld({}, { masterRepair: { replaceAfterMs: 100, joinTimeoutMs: 0 } });
  t.after(() => world.stop());
  const cluster = createCluster(world, 'noquorum', { controlPlane: { count: 3 } });
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const masters = await world.provider.servers.list(masterTags(uid), never);
  world.provider.crashServer(masters[0]!.id);
  world.provider.crashServer(masters[1]!.id);
  world.controllers.clusters.enqueue(uid);
  await until(
    'condition explains',
    () => /could cost etcd its quorum/.test(controlPlane(world, uid)?.message ?? ''),
    { intervalMs: 20 },
  );
  await new Promise((r) => setTimeout(r, 1_500));
  assert.ok(!world.store.eventReasons(uid).includes('MasterReplaced'));
  const ids = (await world.provider.servers.list(masterTags(uid), never)).map((m) => m.id);
  assert.deepEqual(ids.sort(), masters.map((m) => m.id).sort());

  world.provider.recoverServer(masters[0]!.id);
  world.provider.recoverServer(masters[1]!.id);
  world.controllers.clusters.enqueue(uid);
  await until('ready again', () => controlPlane(world, uid)?.status === 'True', { intervalMs: 20 });
});

test('a lone master in ERROR is rebooted, never replaced', async (t) => {
  const world = await startWorld({}, { masterRepair: { replaceAfterMs: 0, joinTimeoutMs: 0 } });
  t.after(() => world.stop());
  const cluster = createCluster(world, 'lone');
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const [master] = await world.provider.servers.list(masterTags(uid), never);
  world.provider.crashServer(master!.id);
  world.controllers.clusters.enqueue(uid);
  await until(
    'rebooted',
    async () => {
      const [m] = await world.provider.servers.list(masterTags(uid), never);
      return m?.id === master!.id && m.status === 'ACTIVE';
    },
    { intervalMs: 20 },
  );
  assert.ok(!world.store.eventReasons(uid).includes('MasterReplaced'));
});
