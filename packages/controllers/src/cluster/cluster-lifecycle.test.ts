import { test } from 'node:test';
import { until } from '@berth/test-kit';
import assert from 'node:assert/strict';
import {
  createCluster,
  patchCluster,
  putNodeGroup,
  startWorld,
  type World,
} from '../testing/world.js';

const phaseOf = (world: World, uid: string) => world.store.clusters.get(uid)?.status.phase;
const tagged = (uid: string) => ({ tags: { 'berth.dev/cluster': uid } });
const never = new AbortController().signal;

test('a cluster goes from create to Running with exactly the resources its spec asks for', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'demo', {
    controlPlane: { count: 3 },
    zones: ['az1', 'az2', 'az3'],
    nodeGroups: [
      { name: 'default', count: 3 },
      {
        name: 'batch',
        count: 1,
        taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
      },
    ],
  });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });

  const servers = await world.provider.servers.list(tagged(uid), never);
  const masters = servers.filter((s) => s.tags['berth.dev/role'] === 'master');
  assert.equal(masters.length, 3);
  assert.deepEqual(masters.map((m) => m.zone).sort(), ['az1', 'az2', 'az3']);
  assert.deepEqual(masters.map((m) => m.ports[0]!.fixedIp).sort(), [
    '10.0.0.10',
    '10.0.0.11',
    '10.0.0.12',
  ]);
  assert.equal(
    new Set(masters.map((m) => m.hypervisor)).size,
    3,
    'masters on distinct hypervisors',
  );
  assert.equal(servers.length, 7);
  const groups = await world.provider.securityGroups.list(tagged(uid), never);
  assert.deepEqual(groups.map((g) => g.name).sort(), ['demo-base', 'demo-master', 'demo-minion']);
  const [lb] = await world.provider.loadBalancers.list(tagged(uid), never);
  assert.equal(lb!.vipAddress, '10.0.0.5');
  const [pool] = await world.provider.loadBalancers.listPools({ loadBalancerId: lb!.id }, never);
  assert.equal(
    (await world.provider.loadBalancers.listMembers({ poolId: pool!.id }, never)).length,
    3,
  );
  const [fip] = await world.provider.floatingIps.list(tagged(uid), never);
  const stored = world.store.clusters.get(uid)!;
  assert.equal(stored.status.apiEndpoint, `https://${fip!.address}:6443`);
  for (const type of [
    'NetworkReady',
    'SecurityGroupsReady',
    'LoadBalancerReady',
    'ControlPlaneReady',
    'NodesReady',
  ]) {
    assert.equal(stored.status.conditions.find((c) => c.type === type)?.status, 'True', type);
  }
  const [op] = [...world.store.operations.values()];
  assert.equal(op!.phase, 'Succeeded');
  assert.ok(world.store.eventReasons(uid).includes('ClusterRunning'));
});

test('scaling a node group up and down changes its servers and status', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'scale', { nodeGroups: [{ name: 'default', count: 2 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });
  const workers = async () =>
    (
      await world.provider.servers.list(
        { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } },
        never,
      )
    ).length;

  const ng = putNodeGroup(world, cluster, 'default', { count: 5 }, 2);
  await until(
    '5 ready',
    () =>
      world.store.nodeGroups.get(ng.metadata.uid)?.status.readyReplicas === 5 &&
      phaseOf(world, uid) === 'Running',
    { intervalMs: 20 },
  );
  assert.equal(await workers(), 5);

  putNodeGroup(world, cluster, 'default', { count: 1 }, 3);
  await until(
    '1 ready',
    async () =>
      world.store.nodeGroups.get(ng.metadata.uid)?.status.replicas === 1 && (await workers()) === 1,
    { intervalMs: 20 },
  );
  assert.equal(world.store.nodeGroups.get(ng.metadata.uid)!.status.phase, 'Running');
  assert.ok(world.store.eventReasons(uid).includes('NodeRemoved'));
});

test('stop, start and delete converge and leave nothing behind', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'power', { nodeGroups: [{ name: 'default', count: 2 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });

  patchCluster(world, uid, (c) => (c.spec.stopped = true));
  await until('Stopped', () => phaseOf(world, uid) === 'Stopped', { intervalMs: 20 });
  const servers = await world.provider.servers.list(tagged(uid), never);
  assert.ok(servers.every((s) => s.status === 'SHUTOFF'));
  assert.equal(
    (await world.provider.loadBalancers.list(tagged(uid), never)).length,
    1,
    'the API address survives a stop',
  );

  patchCluster(world, uid, (c) => (c.spec.stopped = false));
  await until('Running again', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });
  assert.ok(
    (await world.provider.servers.list(tagged(uid), never)).every((s) => s.status === 'ACTIVE'),
  );

  world.store.openOperation('ClusterDelete', {
    kind: 'Cluster',
    project: 'default',
    cluster: 'power',
    clusterUid: uid,
    name: 'power',
    generation: 3,
  });
  patchCluster(world, uid, (c) => (c.metadata.deletionRequestedAt = new Date().toISOString()));
  await until('removed', () => !world.store.clusters.has(uid), { intervalMs: 20 });
  for (const kind of [
    'servers',
    'securityGroups',
    'loadBalancers',
    'floatingIps',
    'routers',
    'serverGroups',
    'volumes',
  ] as const) {
    assert.deepEqual(
      await world.provider[kind].list(tagged(uid), never),
      [],
      `${kind} left behind`,
    );
  }
  assert.deepEqual(
    (await world.provider.networks.list({}, never)).filter((n) => !n.external),
    [],
  );
  const ops = [...world.store.operations.values()].filter((o) => o.kind === 'ClusterDelete');
  assert.equal(ops[0]!.phase, 'Succeeded');
});

test('provider failures are retried and never duplicate resources', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const lostReply = world.provider.faults.fail({
    method: 'servers.create',
    nth: 2,
    phase: 'after',
  });
  const failedMember = world.provider.faults.fail({ method: 'loadBalancers.createMember', nth: 1 });
  const cluster = createCluster(world, 'flaky', { nodeGroups: [{ name: 'default', count: 3 }] });
  await until('Running', () => phaseOf(world, cluster.metadata.uid) === 'Running', {
    timeoutMs: 20_000,
    intervalMs: 20,
  });
  const servers = await world.provider.servers.list(tagged(cluster.metadata.uid), never);
  assert.equal(servers.length, 4);
  assert.equal(new Set(servers.map((s) => s.name)).size, 4);
  assert.equal(lostReply.fired, 1);
  assert.equal(failedMember.fired, 1);
});

test('an upgrade replaces masters one at a time and workers by surge, maxUnavailable at a time', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'upg', {
    controlPlane: { count: 3 },
    nodeGroups: [{ name: 'default', count: 4 }],
  });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });
  const before = await world.provider.servers.list(tagged(uid), never);

  patchCluster(world, uid, (c) => (c.spec.version = '1.35'));
  await until(
    'upgraded',
    () =>
      phaseOf(world, uid) === 'Running' && world.store.clusters.get(uid)?.status.version === '1.35',
    { timeoutMs: 20_000, intervalMs: 20 },
  );

  const after = await world.provider.servers.list(tagged(uid), never);
  const masterNames = (list: typeof after) =>
    list
      .filter((s) => s.tags['berth.dev/role'] === 'master')
      .map((s) => s.name)
      .sort();
  assert.deepEqual(masterNames(after), masterNames(before), 'masters keep their slots');
  assert.equal(after.length, before.length, 'the group is back at its count');
  assert.equal(
    after.filter((s) => before.some((b) => b.id === s.id)).length,
    0,
    'every server replaced',
  );
  const reasons = world.store.eventReasons(uid);
  assert.equal(reasons.filter((r) => r === 'MasterReplacing').length, 3);
  // Surge: every removal of a worker comes after its successor was created.
  const workerEvents = reasons.filter((r) => r === 'NodeCreated' || r === 'NodeRemoved');
  let surplus = 0;
  for (const r of workerEvents.slice(4)) {
    surplus += r === 'NodeCreated' ? 1 : -1;
    assert.ok(surplus >= 0, `a node removed before its successor: ${workerEvents.join(' ')}`);
  }
  assert.ok(reasons.includes('ClusterUpgrading'));
});

test('a lone master is rebuilt in place, never replaced: its disk holds etcd’s only copy', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'lone', { nodeGroups: [{ name: 'default', count: 1 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });
  const masterOf = async () =>
    (await world.provider.servers.list(tagged(uid), never)).find((s) => s.name.includes('master'))!;
  const before = await masterOf();

  patchCluster(world, uid, (c) => (c.spec.version = '1.35'));
  await until(
    'upgraded',
    () =>
      phaseOf(world, uid) === 'Running' && world.store.clusters.get(uid)?.status.version === '1.35',
    { timeoutMs: 20_000, intervalMs: 20 },
  );

  const after = await masterOf();
  assert.equal(after.id, before.id, 'the same server');
  assert.notEqual(after.userDataHash, before.userDataHash, 'with the new user data');
  const reasons = world.store.eventReasons(uid);
  assert.equal(reasons.filter((r) => r === 'MasterRebuilding').length, 1);
  assert.equal(reasons.filter((r) => r === 'MasterReplacing').length, 0);
});

test('changing a node group’s labels or taints rolls its nodes so the change reaches them', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'relabel', { nodeGroups: [{ name: 'default', count: 2 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });
  const workers = () =>
    world.provider.servers.list(
      { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } },
      never,
    );
  const before = await workers();

  const ng = putNodeGroup(
    world,
    cluster,
    'default',
    {
      count: 2,
      labels: { tier: 'web' },
      taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }],
    },
    2,
  );
  await until(
    'rolled',
    async () => {
      const now = await workers();
      const status = world.store.nodeGroups.get(ng.metadata.uid)?.status;
      return (
        now.length === 2 &&
        now.every((s) => !before.some((b) => b.id === s.id)) &&
        status?.readyReplicas === 2 &&
        status.phase === 'Running'
      );
    },
    { intervalMs: 20 },
  );
  for (const server of await workers()) {
    const node = JSON.parse(world.provider.userDataOf(server.id).files[0]!.content) as {
      labels: Record<string, string>;
      taints: unknown[];
    };
    assert.deepEqual(node.labels, { tier: 'web' });
    assert.equal(node.taints.length, 1);
  }
});

test('changing a node group’s flavor replaces every server with one of the new flavor', async (t) => {
  const world = await startWorld();
  t.after(() => world.stop());
  const cluster = createCluster(world, 'reflavor', { nodeGroups: [{ name: 'default', count: 3 }] });
  const uid = cluster.metadata.uid;
  await until('Running', () => phaseOf(world, uid) === 'Running', { intervalMs: 20 });
  const workers = () =>
    world.provider.servers.list(
      { tags: { 'berth.dev/cluster': uid, 'berth.dev/role': 'worker' } },
      never,
    );
  const before = await workers();
  assert.deepEqual(
    before.map((s) => s.flavor),
    ['std-2-4', 'std-2-4', 'std-2-4'],
  );

  const ng = putNodeGroup(world, cluster, 'default', { count: 3, flavor: 'std-4-8' }, 2);
  await until(
    'rolled to std-4-8',
    async () => {
      const now = await workers();
      const status = world.store.nodeGroups.get(ng.metadata.uid)?.status;
      const upToDate = status?.conditions.find((c) => c.type === 'UpToDate');
      return (
        now.length === 3 &&
        now.every((s) => s.flavor === 'std-4-8' && !before.some((b) => b.id === s.id)) &&
        status?.readyReplicas === 3 &&
        upToDate?.status === 'True' &&
        upToDate.observedGeneration === world.store.clusters.get(uid)!.metadata.generation
      );
    },
    { intervalMs: 20 },
  );
});
