/**
 * A node group's servers. Each occupies a numbered slot whose name is a stable function of the
 * node group and the slot, so a create repeated after a crash finds the server it already made.
 * Scale-up fills the lowest free slots; scale-down drains, then deletes, the highest ones.
 */
import type { Server } from '@berth/provider-api';
import { hashUserData } from '@berth/provider-api';
import { isTrue } from '../conditions.js';
import { names, nodeGroupTags } from '../naming.js';
import type { ClusterFabric, NodeGroupPass } from './context.js';

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

export async function createWorker(
  pass: NodeGroupPass,
  fabric: ClusterFabric,
  slot: number,
): Promise<Server> {
  const { provider, bootstrap, store } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  const tags = nodeGroupTags(cluster, nodeGroup);
  const name = names.worker(cluster, nodeGroup, slot);
  const group = await provider.serverGroups.create(
    { name: names.workerGroup(cluster, nodeGroup), tags, policy: 'soft-anti-affinity' },
    signal,
  );
  const userData = await bootstrap.workerUserData(
    { cluster, nodeGroup, serverName: name, vipAddress: pass.vipAddress },
    signal,
  );
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

/** Drains the node (when the API can be asked) and deletes its server. */
export async function removeWorker(
  pass: NodeGroupPass,
  server: Server,
  drain: boolean,
): Promise<void> {
  const { provider, bootstrap, store } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  if (drain && server.status === 'ACTIVE') {
    await bootstrap.drainNode(
      { cluster, nodeName: server.name, vipAddress: pass.vipAddress },
      signal,
    );
  }
  await provider.servers.delete({ id: server.id }, signal);
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
}
