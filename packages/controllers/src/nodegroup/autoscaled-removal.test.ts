/**
 * The node group controller's side of an autoscaler scale-down: the servers named in
 * `status.autoscaler.removing` go (not the highest slots), exactly once, and the status write
 * keeps what the autoscaler service wrote meanwhile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '@berth/test-kit';
import { createCluster, startWorld } from '../testing/world.js';

const never = new AbortController().signal;

test('a scale-down removes the servers the autoscaler chose, once, and keeps its view', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'auto', {
    nodeGroups: [{ name: 'default', count: 4, autoscaling: { enabled: true, min: 1, max: 5 } }],
  });
  const uid = cluster.metadata.uid;
  const tags = { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } };
  await until(
    '4 workers',
    async () => (await world.provider.servers.list(tags, never)).length === 4,
    {
      intervalMs: 20,
    },
  );
  const group = [...world.store.nodeGroups.values()].find((g) => g.metadata.name === 'default')!;
  await until(
    'the view starts',
    () => world.store.nodeGroups.get(group.metadata.uid)?.status.autoscaler?.targetSize === 4,
    { intervalMs: 20 },
  );
  const servers = (await world.provider.servers.list(tags, never)).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  // Two servers that are not the highest slots: the autoscaler's choice, as the service writes it.
  const chosen = [servers[0]!.name, servers[1]!.name];
  const kept = servers.slice(2).map((s) => s.id);
  // Count and view in one write, as the autoscaler service's transaction makes them.
  const next = structuredClone(world.store.nodeGroups.get(group.metadata.uid)!);
  next.spec.count = 2;
  next.metadata.generation += 1;
  next.status.autoscaler = {
    targetSize: 2,
    removing: chosen,
    lastScaleDown: { time: new Date().toISOString(), from: 4, to: 2, nodes: chosen },
  };
  world.store.putNodeGroup(next);
  await until(
    'the chosen servers gone and the list empty',
    async () => {
      const left = await world.provider.servers.list(tags, never);
      const ng = world.store.nodeGroups.get(group.metadata.uid)!;
      return left.length === 2 && ng.status.autoscaler?.removing.length === 0;
    },
    { intervalMs: 20 },
  );
  const left = (await world.provider.servers.list(tags, never)).map((s) => s.id).sort();
  assert.deepEqual(left, [...kept].sort(), 'the kept servers are the ones not chosen');
  const view = world.store.nodeGroups.get(group.metadata.uid)!.status.autoscaler!;
  assert.equal(view.lastScaleDown?.from, 4, "the service's record survives the controller's write");
  assert.equal(view.targetSize, 2);
  const removed = world.store.events
    .filter((e) => e.reason === 'NodeRemoved')
    .map((e) => e.message);
  for (const name of chosen) {
    assert.equal(removed.filter((m) => m.includes(`node ${name} `)).length, 1, `${name} once`);
  }
});
