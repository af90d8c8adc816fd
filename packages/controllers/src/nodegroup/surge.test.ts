/**
 * A rolling update by surge: the successor comes first, and an old node is drained only once
 * every node that stays is Ready — so the group's Ready capacity never drops below its count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeReadiness, NodesInput } from '@berth/controller-ports';
import { until } from '@berth/test-kit';
import { SimulatedBootstrap } from '../simulated-bootstrap.js';
import { createCluster, putNodeGroup, startWorld } from '../testing/world.js';

const never = new AbortController().signal;

/** Nodes created after `since` stay NotReady while `hold` is set (a slow kubelet). */
class SlowNewNodes extends SimulatedBootstrap {
  hold = false;
  known = new Set<string>();
  override async nodeReadiness(input: NodesInput): Promise<Map<string, NodeReadiness>> {
    const base = await super.nodeReadiness(input);
    if (!this.hold) return base;
    for (const s of input.servers) {
      if (!this.known.has(s.id)) base.set(s.name, { ready: false, reason: 'KubeletStarting' });
    }
    return base;
  }
}

test('a roll makes the successor first and drains the old node only once the successor is Ready', async (t) => {
  const bootstrap = new SlowNewNodes();
  const world = await startWorld({}, {}, bootstrap);
  t.after(() => world.stop());
  const cluster = createCluster(world, 'surge', { nodeGroups: [{ name: 'web', count: 2 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => world.store.clusters.get(uid)?.status.phase === 'Running', {
    intervalMs: 20,
  });
  const tags = { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } };
  const workers = () => world.provider.servers.list(tags, never);
  const before = await workers();
  for (const s of before) bootstrap.known.add(s.id);
  bootstrap.hold = true;

  putNodeGroup(world, cluster, 'web', { count: 2, maxUnavailable: '1', labels: { a: 'b' } }, 2);
  await until('a surge node', async () => (await workers()).length === 3, { intervalMs: 20 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await workers()).length, 3, 'no old node drained while its successor is not Ready');
  assert.ok(!world.store.eventReasons(uid).includes('NodeRemoved'));
  const group = [...world.store.nodeGroups.values()].find((g) => g.metadata.name === 'web')!;
  assert.equal(group.status.phase, 'Updating');

  bootstrap.hold = false;
  await until(
    'rolled',
    async () => {
      const now = await workers();
      return now.length === 2 && now.every((s) => !before.some((b) => b.id === s.id));
    },
    { timeoutMs: 20_000, intervalMs: 20 },
  );
});
