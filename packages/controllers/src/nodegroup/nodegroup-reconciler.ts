/**
 * NodeGroupReconciler: fetch → (delete | stop | wait for the control plane | scale → start →
 * roll (rolling-update.ts) → readiness) → status, events and operations in `finally`. Workers
 * join only once the cluster's control plane is ready; scale-down drains before it deletes.
 */
import { isTrue } from '../conditions.js';
import type { Reconciler, Result } from '@berth/controller-kit';
import { isTerminal } from '@berth/controller-kit';
import { advanceOperations, finishWhenGone } from '../operations.js';
import { errorMessage, failureReason, problemOf } from '../failures.js';
import {
  findFabric,
  newNodeGroupPass,
  ngCondition,
  ngWait,
  type NodeGroupDeps,
  type NodeGroupPass,
} from './context.js';
import { repairDownNodes } from './node-repair.js';
import { outdatedSlots, removeSurplus, rollOutdated } from './rolling-update.js';
import { nodeGroupPhase } from './phase.js';
import {
  createWorkers,
  deleteWorkerGroup,
  listWorkers,
  removeWorker,
  removeWorkers,
  slotsOf,
} from './servers.js';
import type { Server } from '@berth/provider-api';
import type { NodeReadiness } from '@berth/controller-ports';
import { MAX_SLOTS } from './phase.js';

const WAIT_REQUEUE_MS = 1000;
const RESYNC_MS = 15_000;

export class NodeGroupReconciler implements Reconciler {
  constructor(private readonly deps: NodeGroupDeps) {}

  async reconcile(uid: string, signal: AbortSignal): Promise<Result | void> {
    const found = await this.deps.store.getNodeGroup(uid);
    if (found === undefined || found.cluster.metadata.deletionRequestedAt !== undefined) return;
    const pass = newNodeGroupPass(this.deps, found.cluster, found.nodeGroup, signal);
    if (pass.nodeGroup.metadata.deletionRequestedAt !== undefined) return this.delete(pass);
    let failure: unknown;
    try {
      await this.converge(pass);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      await this.writeStatus(pass, failure);
    }
    return { requeueAfterMs: pass.waitingFor === undefined ? RESYNC_MS : WAIT_REQUEUE_MS };
  }

  private async converge(pass: NodeGroupPass): Promise<void> {
    const { provider } = this.deps;
    const { cluster, nodeGroup, signal } = pass;
    let servers = await listWorkers(pass);
    if (cluster.spec.stopped) {
      for (const s of servers)
        if (s.status !== 'SHUTOFF') await provider.servers.stop({ id: s.id }, signal);
      servers = await listWorkers(pass);
      pass.status.replicas = servers.length;
      pass.status.readyReplicas = 0;
      const up = servers.filter((s) => s.status !== 'SHUTOFF');
      if (up.length > 0) ngWait(pass, 'Stopping', `stopping ${up.map((s) => s.name).join(', ')}`);
      else ngCondition(pass, 'NodesReady', 'False', 'Stopped', 'the cluster is stopped');
      return;
    }
    const fabric = await findFabric(pass);
    if (fabric === undefined || !isTrue(cluster.status.conditions, 'ControlPlaneReady')) {
      ngWait(pass, 'WaitingForControlPlane', 'waiting for the control plane to be ready');
      return;
    }
    const slots = slotsOf(pass, servers, MAX_SLOTS);
    // The nodes the cluster autoscaler chose to remove (it drained them) go first, by name.
    const chosen = new Set(nodeGroup.status.autoscaler?.removing ?? []);
    try {
      await removeWorkers(
        pass,
        [...slots.values()].filter((s) => chosen.has(s.name)),
        pass.removed,
      );
    } finally {
      for (const [slot, server] of [...slots]) {
        if (pass.removed.includes(server.name)) slots.delete(slot);
      }
      servers = servers.filter((s) => !pass.removed.includes(s.name));
    }
    // Then the group converges on `count`: new servers take the lowest free slots, and extra
    // ones leave — outdated ones first (a rolling update's surge), then the highest slots.
    const free: number[] = [];
    for (
      let slot = 0;
      slots.size + free.length < nodeGroup.spec.count && slot < MAX_SLOTS;
      slot++
    ) {
      if (!slots.has(slot)) free.push(slot);
    }
    await createWorkers(pass, fabric, slots, free);
    const inSlots = new Set([...slots.values()].map((s) => s.id));
    const outdated = await outdatedSlots(pass, slots);
    await removeSurplus(pass, slots, outdated);
    for (const server of servers.filter((s) => !inSlots.has(s.id))) {
      await removeWorker(pass, server, true); // a server of ours in no slot: a leftover
    }
    for (const server of slots.values()) {
      if (server.status === 'SHUTOFF') await provider.servers.start({ id: server.id }, signal);
    }
    await rollOutdated(pass, fabric, slots, outdated);
    const readiness = await repairDownNodes(pass, fabric, slots);
    await this.observeReadiness(
      pass,
      [...slots.values()].map((s) => s.id),
      readiness,
    );
  }

  /** Reports readiness; `known` is what this pass already read of the same servers. */
  private async observeReadiness(
    pass: NodeGroupPass,
    ids: string[],
    known: Map<string, NodeReadiness> | undefined,
  ): Promise<void> {
    const servers = (await listWorkers(pass)).filter((s) => ids.includes(s.id));
    const readiness =
      known ??
      (await this.deps.bootstrap.nodeReadiness(
        { cluster: pass.cluster, servers, vipAddress: pass.vipAddress },
        pass.signal,
      ));
    const notReady = servers.filter((s) => readiness.get(s.name)?.ready !== true);
    pass.status.replicas = servers.length;
    pass.status.readyReplicas = servers.length - notReady.length;
    if (notReady.length === 0 && servers.length === pass.nodeGroup.spec.count) {
      ngCondition(pass, 'NodesReady', 'True', 'AllNodesReady', `${servers.length} nodes ready`);
      return;
    }
    const detail = notReady.map((s) => `${s.name} (${notReadyReason(s, readiness)})`).join(', ');
    ngWait(
      pass,
      'NodesNotReady',
      `${pass.status.readyReplicas}/${pass.nodeGroup.spec.count} ready; not ready: ${detail}`,
    );
  }

  private async writeStatus(pass: NodeGroupPass, failure: unknown): Promise<void> {
    const { store } = this.deps;
    const { cluster, nodeGroup, status } = pass;
    const terminal = failure !== undefined && isTerminal(failure);
    // A pass that failed (a node's user data could not be made, a provider call failed) is why
    // nodes are missing: the condition says so, with the error's code as the reason.
    if (failure !== undefined && !pass.nodeGroup.metadata.deletionRequestedAt) {
      ngCondition(pass, 'NodesReady', 'False', failureReason(failure), errorMessage(failure));
      // A rolling update that failed half-way (a drain a PodDisruptionBudget blocked, a server
      // that could not be made) says so where the cluster's upgrade status looks for it.
      const rolling = status.conditions.find((c) => c.type === 'UpToDate');
      if (rolling?.status === 'False') {
        ngCondition(
          pass,
          'UpToDate',
          'False',
          'RollingUpdateFailed',
          `${rolling.message.replace(/; failed: .*$/, '')}; failed: ${errorMessage(failure)}`,
        );
      }
    }
    status.phase = terminal ? 'Error' : nodeGroupPhase(pass);
    status.observedGeneration = nodeGroup.metadata.generation;
    status.message = failure !== undefined ? errorMessage(failure) : pass.waitingFor;
    if (status.phase === 'Running' || status.phase === 'Stopped') delete status.message;
    const autoscaling = nodeGroup.spec.autoscaling.enabled;
    const mine = { ...status };
    delete mine.autoscaler;
    const stored = { ...nodeGroup.status };
    delete stored.autoscaler;
    const staleView =
      (nodeGroup.status.autoscaler !== undefined) !== autoscaling ||
      pass.removed.length > 0 ||
      (autoscaling && nodeGroup.status.autoscaler?.targetSize !== nodeGroup.spec.count);
    if (staleView || JSON.stringify(mine) !== JSON.stringify(stored)) {
      // The autoscaler service writes `status.autoscaler` concurrently: keep what it wrote since
      // this pass read the group, dropping only the nodes this pass removed.
      const written = JSON.parse(JSON.stringify(mine)) as typeof status;
      await store.updateNodeGroupStatus(nodeGroup.metadata.uid, (current) => {
        if (!autoscaling) return written;
        const view = current.autoscaler ?? { targetSize: nodeGroup.spec.count, removing: [] };
        return {
          ...written,
          autoscaler: {
            ...view,
            // The count this pass converged on; a newer one triggers another pass.
            targetSize: nodeGroup.spec.count,
            removing: view.removing.filter((name) => !pass.removed.includes(name)),
          },
        };
      });
    }
    // A node group's change is done once its cluster has caught up too: a client that saw the
    // operation succeed may act on the cluster at once (stop it, say), which needs it Running.
    const clusterSettled =
      cluster.status.phase === 'Running' &&
      cluster.status.observedGeneration >= cluster.metadata.generation;
    const settled = status.phase !== 'Running' || clusterSettled;
    await advanceOperations(
      store,
      cluster.metadata.uid,
      (op) => op.target.kind === 'NodeGroup' && op.target.name === nodeGroup.metadata.name,
      {
        observedGeneration: status.observedGeneration,
        phase: settled ? status.phase : 'Reconciling',
        progress:
          nodeGroup.spec.count === 0
            ? 100
            : Math.round((100 * status.readyReplicas) / nodeGroup.spec.count),
        message:
          status.message ??
          (settled
            ? `node group is ${status.phase}`
            : `node group is Running; waiting for cluster ${cluster.metadata.name} to settle`),
        gone: false,
        ...(terminal ? { failure: problemOf(failure) } : {}),
      },
    );
  }

  private async delete(pass: NodeGroupPass): Promise<void> {
    const { store } = this.deps;
    const { cluster, nodeGroup } = pass;
    const drain = isTrue(cluster.status.conditions, 'ControlPlaneReady') && !cluster.spec.stopped;
    for (const server of await listWorkers(pass)) {
      await removeWorker(pass, server, drain, 'remove');
    }
    await deleteWorkerGroup(pass);
    await store.finalizeNodeGroup(
      nodeGroup.metadata.uid,
      finishWhenGone(
        (op) => op.target.kind === 'NodeGroup' && op.target.name === nodeGroup.metadata.name,
        {
          observedGeneration: nodeGroup.metadata.generation,
          message: `node group ${nodeGroup.metadata.name} deleted`,
        },
      ),
    );
  }
}

/** Why a worker is not a Ready node: its machine's fault first, else its Node's condition. */
function notReadyReason(server: Server, readiness: Map<string, NodeReadiness>): string {
  if (server.fault !== null) return `${server.status}: ${server.fault.message}`;
  const node = readiness.get(server.name);
  if (node !== undefined) return node.reason;
  return server.status === 'ACTIVE'
    ? 'NotRegistered: its kubelet has not registered'
    : server.status;
}
