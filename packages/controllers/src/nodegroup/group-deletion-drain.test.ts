/**
 * Deleting a node group drains its nodes, but a drain that cannot finish (a PodDisruptionBudget
 * whose pods have nowhere else to go) does not hold the deletion forever: the node is removed
 * anyway, with a warning. Scale-down, by contrast, keeps honouring the budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { until } from '@berth/test-kit';
import { SimulatedBootstrap } from '../simulated-bootstrap.js';
import { createCluster, startWorld, type World } from '../testing/world.js';

const never = new AbortController().signal;

/** A cluster whose drains always time out, as with CoreDNS's budget on the last nodes. */
class StuckDrains extends SimulatedBootstrap {
  drains = 0;
  override async drainNode(): Promise<void> {
    this.drains++;
    throw new BerthError(
      'BERTH_ERR_TIMEOUT',
      'draining node: 1 pods have not left yet: kube-system/coredns-1 (its PodDisruptionBudget allows no disruption now)',
    );
  }
}

async function runningCluster(world: World, count: number) {
  const cluster = createCluster(world, 'pdb', { nodeGroups: [{ name: 'default', count }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const group = [...world.store.nodeGroups.values()].find((g) => g.metadata.name === 'default')!;
  const tags = { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } };
  return { uid, group, workers: () => world.provider.servers.list(tags, never) };
}

test('a group being deleted loses its nodes even when their drains time out', async (t) => {
  const bootstrap = new StuckDrains();
  const world = await startWorld({}, {}, bootstrap);
  t.after(() => world.stop());
  const { uid, group, workers } = await runningCluster(world, 2);
  const deleting = structuredClone(world.store.nodeGroups.get(group.metadata.uid)!);
  deleting.metadata.deletionRequestedAt = new Date().toISOString();
  world.store.putNodeGroup(deleting);
  await until('the group gone', () => !world.store.nodeGroups.has(group.metadata.uid), {
    intervalMs: 20,
  });
  assert.equal((await workers()).length, 0);
  assert.equal(bootstrap.drains, 2, 'each node was drained once, not retried');
  const warnings = world.store.events.filter((e) => e.reason === 'NodeDrainTimedOut');
  assert.equal(warnings.length, 2);
  assert.match(
    warnings[0]!.message,
    /anyway, as the group is being deleted: .*PodDisruptionBudget/,
  );
  assert.ok(world.store.eventReasons(uid).includes('NodeRemoved'));
});

test('a scale-down whose drain times out keeps the node and tries again', async (t) => {
  const bootstrap = new StuckDrains();
  const world = await startWorld({}, {}, bootstrap);
  t.after(() => world.stop());
  const { group, workers } = await runningCluster(world, 2);
  const smaller = structuredClone(world.store.nodeGroups.get(group.metadata.uid)!);
  smaller.spec.count = 1;
  smaller.metadata.generation += 1;
  world.store.putNodeGroup(smaller);
  await until('a second drain attempt', () => bootstrap.drains >= 2, { intervalMs: 20 });
  assert.equal((await workers()).length, 2, 'the budget still holds the node');
  assert.equal(world.store.events.filter((e) => e.reason === 'NodeDrainTimedOut').length, 0);
});
