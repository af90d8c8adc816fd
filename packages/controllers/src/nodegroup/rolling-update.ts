/**
 * Rolling update of a node group by surge: a server whose flavor or user data is outdated (a new
 * Kubernetes version, flavor, labels or taints) is replaced by first creating up to
 * `maxUnavailable` servers of the new kind in free slots, then — once every server that stays is
 * a Ready node — draining (honouring PodDisruptionBudgets) and deleting as many outdated ones.
 * The group's capacity never drops below `count` by Berth's hand. A drain that times out fails
 * the pass; the next pass drains again (the surge nodes stay meanwhile).
 */
import type { Server } from '@berth/provider-api';
import { setCondition } from '../conditions.js';
import { isOutdated, maxUnavailableCount } from '../rolling.js';
import { workerView, type ClusterFabric, type NodeGroupPass } from './context.js';
import { MAX_SLOTS } from './phase.js';
import { createWorkers, removeWorker } from './servers.js';

/** The slots whose server is not what the group asks for now. */
export async function outdatedSlots(
  pass: NodeGroupPass,
  slots: Map<number, Server>,
): Promise<Set<number>> {
  const { nodeGroup, signal } = pass;
  const outdated = new Set<number>();
  for (const [slot, server] of slots) {
    const userData = await pass.deps.bootstrap.workerUserData(
      {
        cluster: workerView(pass),
        nodeGroup,
        serverName: server.name,
        vipAddress: pass.vipAddress,
      },
      signal,
    );
    if (isOutdated(server, { flavor: nodeGroup.spec.flavor, userData })) outdated.add(slot);
  }
  return outdated;
}

/**
 * Brings the group down to `count` servers: outdated ones leave first (the surge of a rolling
 * update has made their successors), then the highest slots (a scale-down). An outdated server
 * leaves only once every server that stays is a Ready node, so a roll never costs capacity.
 * Removed slots leave `slots` and `outdated`.
 */
export async function removeSurplus(
  pass: NodeGroupPass,
  slots: Map<number, Server>,
  outdated: Set<number>,
): Promise<void> {
  const surplus = slots.size - pass.nodeGroup.spec.count;
  if (surplus <= 0) return;
  const old = [...outdated].sort((a, b) => a - b);
  const current = [...slots.keys()].filter((s) => !outdated.has(s)).sort((a, b) => b - a);
  const victims = [...old, ...current].slice(0, surplus);
  if (victims.some((slot) => outdated.has(slot))) {
    const staying = [...slots].filter(([slot]) => !victims.includes(slot)).map(([, s]) => s);
    const readiness = await pass.deps.bootstrap.nodeReadiness(
      { cluster: pass.cluster, servers: staying, vipAddress: pass.vipAddress },
      pass.signal,
    );
    const waiting = staying.filter((s) => readiness.get(s.name)?.ready !== true);
    if (waiting.length > 0) {
      pass.waitingFor ??= `waiting for ${waiting.map((s) => s.name).join(', ')} to be Ready before an outdated node is drained`;
      return;
    }
  }
  for (const slot of victims) {
    await removeWorker(pass, slots.get(slot)!, true);
    slots.delete(slot);
    outdated.delete(slot);
  }
}

/**
 * Reports `UpToDate` (and the group's `status.version` once every node runs it) and, while
 * servers are outdated and no surge is pending, creates the next batch of successors.
 */
export async function rollOutdated(
  pass: NodeGroupPass,
  fabric: ClusterFabric,
  slots: Map<number, Server>,
  outdated: Set<number>,
): Promise<void> {
  const { cluster, nodeGroup } = pass;
  const generation = cluster.metadata.generation;
  if (outdated.size === 0) {
    await recordVersionChange(pass, 'NodeGroupUpgraded');
    pass.status.version = pass.version;
    pass.status.conditions = setCondition(
      pass.status.conditions,
      {
        type: 'UpToDate',
        status: 'True',
        reason: 'AllNodesCurrent',
        message: `every node runs Kubernetes ${pass.version} on ${nodeGroup.spec.flavor} with the group's settings`,
      },
      pass.deps.now(),
      generation,
    );
    return;
  }
  const wasRolling = nodeGroup.status.conditions.some(
    (c) => c.type === 'UpToDate' && c.status === 'False',
  );
  if (!wasRolling) await recordVersionChange(pass, 'NodeGroupUpgrading');
  const batch = maxUnavailableCount(nodeGroup.spec.maxUnavailable, nodeGroup.spec.count);
  const upgrading = pass.status.version !== undefined && pass.status.version !== pass.version;
  const message = `replacing ${outdated.size} ${upgrading ? `node(s) with Kubernetes ${pass.version}` : 'outdated node(s)'}, ${batch} at a time: new nodes first, then the old ones drained`;
  pass.status.conditions = setCondition(
    pass.status.conditions,
    { type: 'UpToDate', status: 'False', reason: 'RollingUpdate', message },
    pass.deps.now(),
    generation,
  );
  pass.waitingFor ??= message;
  const pending = slots.size - nodeGroup.spec.count;
  const wanted = Math.min(outdated.size, batch) - Math.max(0, pending);
  const free: number[] = [];
  for (let slot = 0; free.length < wanted && slot < MAX_SLOTS; slot++) {
    if (!slots.has(slot)) free.push(slot);
  }
  await createWorkers(pass, fabric, slots, free);
}

/** An event when the group starts or ends a move to another Kubernetes version. */
async function recordVersionChange(
  pass: NodeGroupPass,
  reason: 'NodeGroupUpgrading' | 'NodeGroupUpgraded',
): Promise<void> {
  const from = pass.nodeGroup.status.version;
  if (from === undefined || from === pass.version) return;
  const name = pass.nodeGroup.metadata.name;
  await pass.deps.store.recordEvent(pass.cluster.metadata.uid, {
    type: 'Normal',
    reason,
    message:
      reason === 'NodeGroupUpgrading'
        ? `node group ${name}: replacing its nodes (${from} → ${pass.version}), ${pass.nodeGroup.spec.maxUnavailable} at a time, each new node Ready before an old one is drained`
        : `node group ${name}: every node runs ${pass.version}`,
    object: { kind: 'NodeGroup', name },
  });
}
