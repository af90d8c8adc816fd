/**
 * A node group's servers. Each occupies a numbered slot whose name is a stable function of the
 * node group and the slot, so a create repeated after a crash finds the server it already made.
 * Scale-up fills the lowest free slots; scale-down drains, then deletes, the highest ones.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isBerthError } from '@berth/errors';
import type { Server, Volume } from '@berth/provider-api';
import { hashUserData } from '@berth/provider-api';
import { isTrue } from '../conditions.js';
import { names, nodeGroupTags, roleTags } from '../naming.js';
import { workerView, type ClusterFabric, type NodeGroupPass } from './context.js';

export async function listWorkers(pass: NodeGroupPass): Promise<Server[]> {
  return pass.deps.provider.servers.list(
    { tags: nodeGroupTags(pass.cluster, pass.nodeGroup) },
    pass.signal,
  );
}

/** Slot of every server (by name), for up to `limit` slots. */
export function slotsOf(
  pass: NodeGroupPass,
  servers: Server[],
  limit: number,
): Map<number, Server> {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const slots = new Map<number, Server>();
  for (let slot = 0; slot < limit && slots.size < servers.length; slot++) {
    const server = byName.get(names.worker(pass.cluster, pass.nodeGroup, slot));
    if (server !== undefined) slots.set(slot, server);
  }
  return slots;
}

/** How many servers of one group a pass creates or removes at once (an autoscaler's batch). */
const CREATE_CONCURRENCY = 8;

/** Creates a server in each of `free` slots, adding each to `slots` as it is made. */
export async function createWorkers(
  pass: NodeGroupPass,
  fabric: ClusterFabric,
  slots: Map<number, Server>,
  free: number[],
): Promise<void> {
  if (free.length === 0) return;
  // The anti-affinity group first, once: concurrent creates must not race to make it.
  await workerServerGroup(pass);
  await inBatches(free, async (slot) => slots.set(slot, await createWorker(pass, fabric, slot)));
}

/**
 * Removes these servers (drain, deregistration, delete), `CREATE_CONCURRENCY` at a time — the
 * nodes an autoscaler scale-down chose. Each removed server's name is added to `removed`.
 */
export async function removeWorkers(
  pass: NodeGroupPass,
  servers: Server[],
  removed: string[],
): Promise<void> {
  await inBatches(servers, async (server) => {
    await removeWorker(pass, server, true);
    removed.push(server.name);
  });
}

/**
 * Runs `fn` over `items`, `CREATE_CONCURRENCY` at a time. A failure does not stop the others of
 * its batch; the first one is thrown once the batch has settled, so what succeeded is kept and
 * the next pass retries only the rest.
 */
async function inBatches<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CREATE_CONCURRENCY) {
    const results = await Promise.allSettled(items.slice(i, i + CREATE_CONCURRENCY).map(fn));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}

function workerServerGroup(pass: NodeGroupPass) {
  const { cluster, nodeGroup, signal } = pass;
  return pass.deps.provider.serverGroups.create(
    {
      name: names.workerGroup(cluster, nodeGroup),
      tags: nodeGroupTags(cluster, nodeGroup),
      policy: 'soft-anti-affinity',
    },
    signal,
  );
}

export async function createWorker(
  pass: NodeGroupPass,
  fabric: ClusterFabric,
  slot: number,
): Promise<Server> {
  const { provider, bootstrap, store } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  const tags = nodeGroupTags(cluster, nodeGroup);
  const name = names.worker(cluster, nodeGroup, slot);
  const group = await workerServerGroup(pass);
  const userData = await bootstrap.workerUserData(
    { cluster: workerView(pass), nodeGroup, serverName: name, vipAddress: pass.vipAddress },
    signal,
  );
  const disk = await freshDisk(pass, name);
  const server = await provider.servers.create(
    {
      name,
      tags,
      flavor: nodeGroup.spec.flavor,
      zone: nodeGroup.spec.zone,
      ports: [{ networkId: fabric.network.id, subnetId: fabric.subnet.id }],
      securityGroupIds: [fabric.base.id, fabric.minion.id],
      serverGroupId: group.id,
      userData,
      ...(disk === undefined ? {} : { volumeIds: [disk.id] }),
      metadata: {
        'berth.dev/role': 'worker',
        'berth.dev/node-group': nodeGroup.metadata.name,
        'berth.dev/user-data-hash': hashUserData(userData),
      },
    },
    signal,
  );
  await store.recordEvent(cluster.metadata.uid, {
    type: 'Normal',
    reason: 'NodeCreated',
    message: `node ${server.name} of group ${nodeGroup.metadata.name} created in ${server.zone} on ${server.hypervisor}`,
    object: { kind: 'NodeGroup', name: nodeGroup.metadata.name },
  });
  return server;
}

/**
 * What a removal does when its drain times out (a PodDisruptionBudget that allows no eviction,
 * pods that cannot be placed elsewhere): `retry` — fail, and the next pass drains again (scale-
 * down keeps honouring the budget); `remove` — record a warning and remove the node anyway (the
 * whole group is being deleted: its pods may have nowhere to go, and waiting cannot change that).
 */
export type DrainTimeoutPolicy = 'retry' | 'remove';

/** Drains the node (when the API can be asked) and deletes its server. */
export async function removeWorker(
  pass: NodeGroupPass,
  server: Server,
  drain: boolean,
  onDrainTimeout: DrainTimeoutPolicy = 'retry',
): Promise<void> {
  const { provider, bootstrap, store } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  if (drain && server.status === 'ACTIVE') {
    try {
      await bootstrap.drainNode(
        { cluster, nodeName: server.name, vipAddress: pass.vipAddress },
        signal,
      );
    } catch (err) {
      if (onDrainTimeout === 'retry' || !isBerthError(err) || err.code !== 'BERTH_ERR_TIMEOUT')
        throw err;
      await store.recordEvent(cluster.metadata.uid, {
        type: 'Warning',
        reason: 'NodeDrainTimedOut',
        message: `removing node ${server.name} of group ${nodeGroup.metadata.name} anyway, as the group is being deleted: ${err.message}`,
        object: { kind: 'NodeGroup', name: nodeGroup.metadata.name },
      });
    }
    await awaitLoadBalancerDeregistration(pass, server);
  }
  await provider.servers.delete({ id: server.id }, signal);
  await deleteDisks(pass, (v) => v.name === names.workerDisk(server.name));
  if (isTrue(cluster.status.conditions, 'ControlPlaneReady') && !cluster.spec.stopped) {
    await bootstrap.deleteNode?.(
      { cluster, nodeName: server.name, vipAddress: pass.vipAddress },
      signal,
    );
  }
  await store.recordEvent(cluster.metadata.uid, {
    type: 'Normal',
    reason: 'NodeRemoved',
    message: `node ${server.name} of group ${nodeGroup.metadata.name} ${drain ? 'drained and ' : ''}removed`,
    object: { kind: 'NodeGroup', name: nodeGroup.metadata.name },
  });
}

export async function deleteWorkerGroup(pass: NodeGroupPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  const group = await provider.serverGroups.find(
    { name: names.workerGroup(cluster, nodeGroup), tags: nodeGroupTags(cluster, nodeGroup) },
    signal,
  );
  if (group !== undefined) await provider.serverGroups.delete({ id: group.id }, signal);
  await deleteDisks(pass, () => true);
}

/**
 * A real node's root disk (the group's `volume`: its kubelet and containerd state), created
 * fresh for each new server: one left by a create or a removal that stopped half-way is
 * replaced, so a node never starts on another's state. Simulated nodes have none.
 */
async function freshDisk(pass: NodeGroupPass, worker: string): Promise<Volume | undefined> {
  const { provider } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  if (nodeGroup.spec.runtime !== 'containerd') return undefined;
  const input = {
    name: names.workerDisk(worker),
    tags: nodeGroupTags(cluster, nodeGroup),
    volumeType: nodeGroup.spec.volume.type,
    sizeGb: nodeGroup.spec.volume.sizeGb,
    zone: nodeGroup.spec.zone,
  };
  const left = await provider.volumes.find({ name: input.name, tags: input.tags }, signal);
  if (left !== undefined && left.attachment === null) {
    await provider.volumes.delete({ id: left.id }, signal);
  }
  return provider.volumes.create(input, signal);
}

/** Deletes the group's unattached disks that `which` selects (a deleted server's are). */
async function deleteDisks(pass: NodeGroupPass, which: (v: Volume) => boolean): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  const disks = await provider.volumes.list({ tags: nodeGroupTags(cluster, nodeGroup) }, signal);
  for (const disk of disks.filter((v) => v.attachment === null && which(v))) {
    await provider.volumes.delete({ id: disk.id }, signal);
  }
}

/** How long a drained node may stay a Service load balancer member before it goes anyway. */
const DEREGISTRATION_TIMEOUT_MS = 30_000;
/** In-flight connections the load balancers still carry to it get this long to finish. */
const DEREGISTRATION_GRACE_MS = 2_000;

/**
 * Waits until no Service load balancer of the cluster sends to the server — the drain marked its
 * Node excluded, and the cloud controller takes it out of every pool within a pass — then a
 * short grace for connections already on their way, so deleting the machine drops no request
 * (a target group's deregistration delay). Bounded: a member that stays gets a Warning event,
 * not an endless wait.
 */
async function awaitLoadBalancerDeregistration(pass: NodeGroupPass, server: Server): Promise<void> {
  const { provider, store, now } = pass.deps;
  const { cluster, signal } = pass;
  const addresses = new Set(server.ports.map((p) => p.fixedIp));
  const isMember = async (): Promise<boolean> => {
    const lbs = await provider.loadBalancers.list(
      { tags: roleTags(cluster, 'service-lb') },
      signal,
    );
    for (const lb of lbs) {
      for (const pool of await provider.loadBalancers.listPools(
        { loadBalancerId: lb.id },
        signal,
      )) {
        const members = await provider.loadBalancers.listMembers({ poolId: pool.id }, signal);
        if (members.some((m) => addresses.has(m.address))) return true;
      }
    }
    return false;
  };
  const deadline = now().getTime() + DEREGISTRATION_TIMEOUT_MS;
  let waited = false;
  while (await isMember()) {
    if (now().getTime() >= deadline) {
      await store.recordEvent(cluster.metadata.uid, {
        type: 'Warning',
        reason: 'LoadBalancerDeregistrationTimeout',
        message: `node ${server.name} was still a load balancer member after ${DEREGISTRATION_TIMEOUT_MS / 1000} s; removed anyway`,
        object: { kind: 'NodeGroup', name: pass.nodeGroup.metadata.name },
      });
      return;
    }
    waited = true;
    await sleep(500, undefined, { signal });
  }
  if (waited) await sleep(DEREGISTRATION_GRACE_MS, undefined, { signal });
}
