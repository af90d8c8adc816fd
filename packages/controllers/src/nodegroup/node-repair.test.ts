import { test } from 'node:test';
import { until } from '@berth/test-kit';
import assert from 'node:assert/strict';
import type { Server } from '@berth/provider-api';
import { createCluster, startWorld, type World } from '../testing/world.js';
import { downReason } from './node-repair.js';
import { BerthError } from '@berth/errors';
import { SimulatedBootstrap } from '../simulated-bootstrap.js';

const never = new AbortController().signal;
const workerTags = (uid: string) => ({
  tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' },
});

/** The one node group of a world's one cluster. */
function groupOf(world: World) {
  return [...world.store.nodeGroups.values()].find((g) => g.metadata.name === 'default')!;
}

test('downReason: ERROR servers and NotReady nodes are down; unregistered ones are not', () => {
  const server = (status: Server['status']) => ({ status }) as Server;
  assert.equal(downReason(server('ERROR'), undefined), 'its server is in ERROR');
  assert.equal(
    downReason(server('ACTIVE'), { ready: false, reason: 'NodeStatusUnknown' }),
    'its node is not ready (NodeStatusUnknown)',
  );
  assert.equal(downReason(server('ACTIVE'), { ready: true, reason: 'KubeletReady' }), undefined);
  assert.equal(downReason(server('ACTIVE'), undefined), undefined);
});

test('a worker that stays down is replaced in its slot and the group is ready again', async (t) => {
  const world = await startWorld({}, { nodeRepair: { replaceAfterMs: 300, joinTimeoutMs: 0 } });
  t.after(() => world.stop());
  const cluster = createCluster(world, 'repair', { nodeGroups: [{ name: 'default', count: 2 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const before = await world.provider.servers.list(workerTags(uid), never);
  const victim = before[0]!;
  world.provider.crashServer(victim.id);
  const group = groupOf(world);
  world.controllers.nodeGroups.enqueue(group.metadata.uid);
  await until(
    'replaced and ready',
    async () => {
      const now = await world.provider.servers.list(workerTags(uid), never);
      const slot = now.find((s) => s.name === victim.name);
      const ng = world.store.nodeGroups.get(group.metadata.uid)!;
      return (
        slot !== undefined &&
        slot.id !== victim.id &&
        ng.status.readyReplicas === 2 &&
        ng.status.conditions.some((c) => c.type === 'NodesReady' && c.status === 'True')
      );
    },
    { intervalMs: 20 },
  );
  const after = await world.provider.servers.list(workerTags(uid), never);
  assert.equal(after.length, 2);
  assert.ok(
    after.some((s) => s.id === before[1]!.id),
    'the healthy worker was left alone',
  );
  assert.ok(world.store.eventReasons(uid).includes('NodeRepairing'));
});

test('before the repair delay a down worker is reported, not replaced', async (t) => {
  const world = await startWorld({}, { nodeRepair: { replaceAfterMs: 60_000, joinTimeoutMs: 0 } });
  t.after(() => world.stop());
  const cluster = createCluster(world, 'patient', { nodeGroups: [{ name: 'default', count: 1 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const [victim] = await world.provider.servers.list(workerTags(uid), never);
  world.provider.crashServer(victim!.id, 'service containerd exited with code 127');
  const group = groupOf(world);
  world.controllers.nodeGroups.enqueue(group.metadata.uid);
  await until(
    'NodesReady False naming it',
    () => {
      const ng = world.store.nodeGroups.get(group.metadata.uid)!;
      const c = ng.status.conditions.find((x) => x.type === 'NodesReady');
      return (
        c?.status === 'False' &&
        c.message.includes(`${victim!.name} (ERROR: service containerd exited with code 127)`)
      );
    },
    { intervalMs: 20 },
  );
  const [still] = await world.provider.servers.list(workerTags(uid), never);
  assert.equal(still!.id, victim!.id);
  assert.ok(!world.store.eventReasons(uid).includes('NodeRepairing'));
});

test('a node that cannot be made shows in NodesReady with the reason', async (t) => {
  const bootstrap = new SimulatedBootstrap();
  bootstrap.workerUserData = () =>
    Promise.reject(
      new BerthError(
        'BERTH_ERR_COMPONENT_MISSING',
        'containerd v2.3.7 is not installed. Fix: berth components install',
      ),
    );
  const world = await startWorld({}, {}, bootstrap);
  t.after(() => world.stop());
  createCluster(world, 'broken', { nodeGroups: [{ name: 'default', count: 1 }] });
  const condition = await until(
    'NodesReady False with the reason',
    () => {
      const group = [...world.store.nodeGroups.values()][0];
      const c = group?.status.conditions.find((x) => x.type === 'NodesReady');
      return c?.reason === 'ComponentMissing' ? c : undefined;
    },
    { intervalMs: 20 },
  );
  assert.equal(condition.status, 'False');
  assert.match(condition.message, /containerd v2\.3\.7 is not installed/);
});
