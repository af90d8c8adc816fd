/**
 * ClusterReconciler: fetch → (delete | network → security groups → API load balancer →
 * masters or power-off → nodes summary) → status, conditions, events and operations written in
 * `finally`. Level-triggered and idempotent: every pass starts from the cluster's uid and re-reads
 * the store and the provider.
 */
import type { NodeGroup, Operation } from '@berth/api-types';
import type { Reconciler, Result } from '@berth/controller-kit';
import { isTerminal } from '@berth/controller-kit';
import { findCondition, transitions } from '../conditions.js';
import { advanceOperations, finishWhenGone } from '../operations.js';
import { errorMessage, problemOf } from '../failures.js';
import { ClusterConditions, newPass, type ClusterDeps, type ClusterPass } from './context.js';
import { reconcileApiLoadBalancer } from './api-load-balancer.js';
import { reconcileMasters } from './masters.js';
import { reconcileNetwork } from './network.js';
import { nodesSummary, summariseNodes } from './nodes-summary.js';
import { clusterPhase } from './phase.js';
import { powerOff } from './power.js';
import { reconcileSecurityGroups } from './security-groups.js';
import { teardownCluster } from './teardown.js';
import { reportUpgrade, UPGRADED } from './upgrade-status.js';

/** While converging, look again soon; once Running, re-check now and then (nodes can die). */
const WAIT_REQUEUE_MS = 1000;
const RESYNC_MS = 30_000;
/** Condition reasons that mean something broke, as opposed to work in progress. */
const WARNING_REASONS = new Set(['NodesNotReady', 'MastersDown', 'ControlPlaneUnhealthy']);

export class ClusterReconciler implements Reconciler {
  constructor(private readonly deps: ClusterDeps) {}

  async reconcile(uid: string, signal: AbortSignal): Promise<Result | void> {
    const cluster = await this.deps.store.getCluster(uid);
    if (cluster === undefined) return;
    const pass = newPass(this.deps, cluster, signal);
    if (cluster.metadata.deletionRequestedAt !== undefined) return this.delete(pass);
    const nodeGroups = await this.deps.store.listNodeGroups(uid);
    let failure: unknown;
    try {
      await this.converge(pass, nodeGroups);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      await this.writeStatus(pass, nodeGroups, failure);
    }
    if (pass.waitingFor !== undefined) return { requeueAfterMs: WAIT_REQUEUE_MS };
    return { requeueAfterMs: RESYNC_MS };
  }

  private async converge(pass: ClusterPass, nodeGroups: NodeGroup[]): Promise<void> {
    await reconcileNetwork(pass);
    await reconcileSecurityGroups(pass);
    await reconcileApiLoadBalancer(pass);
    if (pass.cluster.spec.stopped) {
      await powerOff(pass, nodeGroups);
      return;
    }
    await reconcileMasters(pass);
    summariseNodes(pass, nodeGroups);
  }

  private async writeStatus(
    pass: ClusterPass,
    nodeGroups: NodeGroup[],
    failure: unknown,
  ): Promise<void> {
    const { store } = this.deps;
    const { cluster, status } = pass;
    const terminal = failure !== undefined && isTerminal(failure);
    status.phase = terminal ? 'Error' : clusterPhase(pass, nodeGroups);
    status.message = failure === undefined ? pass.waitingFor : errorMessage(failure);
    if (status.phase === 'Running' || status.phase === 'Stopped') status.message = undefined;
    status.observedGeneration = cluster.metadata.generation;
    status.nodes = nodesSummary(nodeGroups);
    if (status.phase === 'Running' && !status.version?.startsWith(cluster.spec.version)) {
      status.version = cluster.spec.version;
    }
    reportUpgrade(pass, nodeGroups, failure);
    if (status.phase !== cluster.status.phase)
      status.lastTransitionTime = this.deps.now().toISOString();
    if (JSON.stringify(status) !== JSON.stringify(cluster.status)) {
      await store.updateClusterStatus(cluster.metadata.uid, clean(status));
    }
    await this.recordTransitions(pass);
    await advanceOperations(store, cluster.metadata.uid, isClusterAction, {
      observedGeneration: status.observedGeneration,
      phase: status.phase,
      progress: progressOf(pass),
      message: status.message ?? `cluster is ${status.phase}`,
      gone: false,
      ...(terminal ? { failure: problemOf(failure) } : {}),
    });
  }

  private async recordTransitions(pass: ClusterPass): Promise<void> {
    const { cluster, status } = pass;
    for (const c of transitions(cluster.status.conditions, status.conditions)) {
      if (c.type === UPGRADED) continue;
      await this.deps.store.recordEvent(cluster.metadata.uid, {
        type: WARNING_REASONS.has(c.reason) ? 'Warning' : 'Normal',
        reason: c.reason,
        message: `${c.type}: ${c.message}`,
      });
    }
    // Every step of an upgrade (each master, each node group, a failure) is an event.
    const before = findCondition(cluster.status.conditions, UPGRADED);
    const after = findCondition(status.conditions, UPGRADED);
    if (after !== undefined && before !== undefined && after.message !== before.message) {
      await this.deps.store.recordEvent(cluster.metadata.uid, {
        type: after.reason === 'UpgradeFailed' ? 'Warning' : 'Normal',
        reason: after.reason,
        message: after.message,
      });
    }
    if (status.phase !== cluster.status.phase) {
      await this.deps.store.recordEvent(cluster.metadata.uid, {
        type: status.phase === 'Error' ? 'Warning' : 'Normal',
        reason: `Cluster${status.phase}`,
        message: `cluster is ${status.phase}${status.message ? `: ${status.message}` : ''}`,
      });
    }
  }

  private async delete(pass: ClusterPass): Promise<Result | void> {
    const { store } = this.deps;
    const { cluster } = pass;
    if (cluster.status.phase !== 'Deleting') {
      await store.updateClusterStatus(cluster.metadata.uid, {
        ...cluster.status,
        phase: 'Deleting',
        lastTransitionTime: this.deps.now().toISOString(),
      });
      await store.recordEvent(cluster.metadata.uid, {
        type: 'Normal',
        reason: 'ClusterDeleting',
        message: 'deleting every resource of the cluster',
      });
    }
    await teardownCluster(pass);
    await store.recordEvent(cluster.metadata.uid, {
      type: 'Normal',
      reason: 'ClusterDeleted',
      message: 'every resource of the cluster is gone',
    });
    await store.finalizeCluster(
      cluster.metadata.uid,
      finishWhenGone(() => true, {
        observedGeneration: cluster.metadata.generation,
        message: 'cluster deleted',
      }),
    );
  }
}

function progressOf(pass: ClusterPass): number {
  const types = Object.values(ClusterConditions);
  const done = pass.status.conditions.filter(
    (c) => types.includes(c.type as never) && c.status === 'True',
  );
  return Math.round((100 * done.length) / types.length);
}

/** Drops undefined members so the stored JSON matches the schema. */
function clean<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The cluster's own actions; addon installs and removals are the addon controller's to finish. */
function isClusterAction(op: Operation): boolean {
  return op.target.kind === 'Cluster' && op.target.addon === undefined;
}
