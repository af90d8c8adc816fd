import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { until } from '@berth/test-kit';
import { SimulatedBootstrap } from '../simulated-bootstrap.js';
import {
  createCluster,
  patchCluster,
  putNodeGroup,
  startWorld,
  type World,
} from '../testing/world.js';

const clusterOf = (world: World, uid: string) => world.store.clusters.get(uid)!;
const groupOf = (world: World, name: string) =>
  [...world.store.nodeGroups.values()].find((ng) => ng.metadata.name === name)!;
const upgraded = (world: World, uid: string) =>
  clusterOf(world, uid).status.conditions.find((c) => c.type === 'Upgraded');

test('an upgrade rolls every master before any node: kubelets never run ahead of an API server', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'order', {
    controlPlane: { count: 3 },
    nodeGroups: [{ name: 'default', count: 2 }],
  });
  const uid = cluster.metadata.uid;
  await until('Running', () => clusterOf(world, uid).status.phase === 'Running', {
    intervalMs: 20,
  });
  assert.equal(upgraded(world, uid)?.reason, 'UpgradeComplete');
  assert.equal(groupOf(world, 'default').status.version, '1.34');

  const seen = new Set<string>();
  const watch = setInterval(() => {
    const reason = upgraded(world, uid)?.reason;
    if (reason !== undefined) seen.add(reason);
  }, 5);
  t.after(() => clearInterval(watch));
  patchCluster(world, uid, (c) => (c.spec.version = '1.35'));
  await until(
    'upgraded',
    () =>
      clusterOf(world, uid).status.phase === 'Running' &&
      clusterOf(world, uid).status.version === '1.35',
    { timeoutMs: 20_000, intervalMs: 20 },
  );

  const events = world.store.events.filter((e) => e.clusterUid === uid);
  const reasons = events.map((e) => e.reason);
  const lastMaster = reasons.lastIndexOf('MasterReplacing');
  const firstNodeRemoved = reasons.indexOf('NodeRemoved');
  assert.equal(reasons.filter((r) => r === 'MasterReplacing').length, 3);
  assert.ok(firstNodeRemoved > lastMaster, `nodes after masters: ${reasons.join(' ')}`);
  assert.ok(reasons.includes('NodeGroupUpgrading'));
  assert.ok(reasons.includes('NodeGroupUpgraded'));
  assert.ok(reasons.indexOf('ControlPlaneUpgrading') < reasons.indexOf('NodeGroupUpgrading'));
  assert.ok(seen.has('ControlPlaneUpgrading'), [...seen].join(' '));
  const steps = events.filter((e) => e.reason === 'ControlPlaneUpgrading').map((e) => e.message);
  assert.deepEqual(
    steps.map((m) => /\d\/3 masters/.exec(m)?.[0]),
    ['0/3 masters', '1/3 masters', '2/3 masters'],
    steps.join('\n'),
  );
  assert.equal(upgraded(world, uid)?.reason, 'UpgradeComplete');
  assert.equal(upgraded(world, uid)?.status, 'True');
  const stored = clusterOf(world, uid);
  assert.equal(stored.status.controlPlaneVersion, '1.35');
  assert.equal(groupOf(world, 'default').status.version, '1.35');
  const op = [...world.store.operations.values()].at(-1);
  assert.equal(op?.phase, 'Succeeded');
});

test('a pinned node group stays at its version while the control plane moves, then follows its own change', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'pinned', {
    nodeGroups: [
      { name: 'follows', count: 1 },
      { name: 'held', count: 1, version: '1.34' },
    ],
  });
  const uid = cluster.metadata.uid;
  await until('Running', () => clusterOf(world, uid).status.phase === 'Running', {
    intervalMs: 20,
  });
  const tags = { tags: { 'berth.dev/cluster': uid } };
  const never = new AbortController().signal;
  const heldServer = async () =>
    (await world.provider.servers.list(tags, never)).find((s) => s.name.includes('held'))!;
  const before = await heldServer();

  patchCluster(world, uid, (c) => (c.spec.version = '1.35'));
  await until('upgraded', () => clusterOf(world, uid).status.version === '1.35', {
    timeoutMs: 20_000,
    intervalMs: 20,
  });
  assert.equal((await heldServer()).id, before.id, 'the pinned group kept its node');
  assert.equal(groupOf(world, 'held').status.version, '1.34');
  assert.equal(groupOf(world, 'follows').status.version, '1.35');
  assert.match(upgraded(world, uid)?.message ?? '', /pinned: held at 1\.34/);

  const held = groupOf(world, 'held');
  putNodeGroup(world, clusterOf(world, uid), 'held', { count: 1, version: '1.35' }, 2);
  await until('group upgraded', () => groupOf(world, 'held').status.version === '1.35', {
    timeoutMs: 20_000,
    intervalMs: 20,
  });
  assert.notEqual((await heldServer()).id, before.id, 'its node replaced');
  assert.equal(held.metadata.uid, groupOf(world, 'held').metadata.uid);
});

/** Drains time out (a PodDisruptionBudget that allows nothing) until `stuck` is cleared. */
class BlockedDrains extends SimulatedBootstrap {
  stuck = true;
  override async drainNode(): Promise<void> {
    if (!this.stuck) return;
    throw new BerthError(
      'BERTH_ERR_TIMEOUT',
      'draining node: 1 pods have not left yet: web/api-0 (its PodDisruptionBudget allows no disruption now)',
    );
  }
}

test('a node group step that fails stops there, says why, keeps the nodes, and goes on once the cause is gone', async (t) => {
  const bootstrap = new BlockedDrains();
  const world = await startWorld({}, {}, bootstrap);
  t.after(() => world.stop());
  const cluster = createCluster(world, 'stuck', {
    controlPlane: { count: 3 },
    nodeGroups: [{ name: 'web', count: 2 }],
  });
  const uid = cluster.metadata.uid;
  await until('Running', () => clusterOf(world, uid).status.phase === 'Running', {
    intervalMs: 20,
  });
  const tags = { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } };
  const never = new AbortController().signal;
  const before = (await world.provider.servers.list(tags, never)).map((s) => s.id).sort();

  patchCluster(world, uid, (c) => (c.spec.version = '1.35'));
  await until('failed', () => upgraded(world, uid)?.reason === 'UpgradeFailed', {
    timeoutMs: 20_000,
    intervalMs: 20,
  });
  const failed = upgraded(world, uid)!;
  assert.match(failed.message, /node group web to 1\.35 failed: .*PodDisruptionBudget/);
  assert.equal(clusterOf(world, uid).status.controlPlaneVersion, '1.35', 'masters done');
  assert.equal(clusterOf(world, uid).status.phase, 'Upgrading');
  assert.ok(world.store.events.some((e) => e.reason === 'UpgradeFailed' && e.type === 'Warning'));
  const workers = (await world.provider.servers.list(tags, never)).map((s) => s.id);
  assert.ok(
    before.every((id) => workers.includes(id)),
    'every old node still serving (beside its surge successor)',
  );

  bootstrap.stuck = false;
  await until('upgraded', () => clusterOf(world, uid).status.version === '1.35', {
    timeoutMs: 30_000,
    intervalMs: 20,
  });
  assert.equal(upgraded(world, uid)?.reason, 'UpgradeComplete');
});
