/**
 * Node auto-repair: a worker whose server is in ERROR, or whose Kubernetes node has gone
 * NotReady, for longer than the repair delay is replaced in its slot — its server deleted
 * without a drain (its kubelet no longer answers) and a new one created — one per pass, so a
 * wide outage is repaired gradually rather than all at once.
 */
import type { Server } from '@berth/provider-api';
import type { RepairPolicy } from '../downtime.js';
import type { NodeReadiness } from '@berth/controller-ports';
import type { ClusterFabric, NodeGroupPass } from './context.js';
import { createWorker, removeWorker } from './servers.js';

export const DEFAULT_NODE_REPAIR: RepairPolicy = {
  replaceAfterMs: 300_000,
  joinTimeoutMs: 600_000,
};

/** Why a node counts as down, or undefined when it does not (not registered yet is not down). */
export function downReason(
  server: Server,
  readiness: NodeReadiness | undefined,
): string | undefined {
  if (server.status === 'ERROR') return 'its server is in ERROR';
  if (readiness !== undefined && !readiness.ready)
    return `its node is not ready (${readiness.reason})`;
  return undefined;
}

/**
 * Replaces the worker down longest past the delay, if any. Returns the readiness it read when it
 * replaced nothing, so the pass reports it without asking the cluster's API again.
 */
export async function repairDownNodes(
  pass: NodeGroupPass,
  fabric: ClusterFabric,
  slots: Map<number, Server>,
): Promise<Map<string, NodeReadiness> | undefined> {
  const { bootstrap, nodeDowntime, now, store } = pass.deps;
  const { cluster, nodeGroup, signal } = pass;
  const all = [...slots.values()];
  const readiness = await bootstrap.nodeReadiness(
    { cluster, servers: all, vipAddress: pass.vipAddress },
    signal,
  );
  const servers = all.filter((s) => s.status === 'ACTIVE' || s.status === 'ERROR');
  const reasons = new Map(
    servers.flatMap((s) => {
      const why = downReason(s, readiness.get(s.name));
      return why === undefined ? [] : [[s.name, why] as const];
    }),
  );
  const at = now();
  nodeDowntime.observe(servers, new Set(reasons.keys()), at);
  const due = servers.find((s) => reasons.has(s.name) && nodeDowntime.dueAt(s) <= at.getTime());
  if (due === undefined) return readiness;
  const slot = [...slots.entries()].find(([, s]) => s.id === due.id)![0];
  await store.recordEvent(cluster.metadata.uid, {
    type: 'Warning',
    reason: 'NodeRepairing',
    message: `replacing node ${due.name} of group ${nodeGroup.metadata.name}: ${reasons.get(due.name)} for longer than ${Math.round(nodeDowntime.policy.replaceAfterMs / 1000)} s`,
    object: { kind: 'NodeGroup', name: nodeGroup.metadata.name },
  });
  await removeWorker(pass, due, false);
  nodeDowntime.forget(due.id);
  slots.set(slot, await createWorker(pass, fabric, slot));
  return undefined;
}
