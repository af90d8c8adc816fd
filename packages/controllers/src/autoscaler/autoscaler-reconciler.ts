/**
 * AutoscalerReconciler, keyed by cluster uid: a cluster with at least one node group whose
 * `autoscaling.enabled` runs one cluster autoscaler once its control plane is ready; a cluster
 * with none, stopped, or being deleted runs none. Every pass also copies the autoscaler's own
 * report (health, scale-up state and backoff, scale-down candidates) into each autoscaled
 * group's `status.autoscaler`, written only when it changed.
 */
import type { Reconciler, Result } from '@berth/controller-kit';
import type {
  AutoscalerGroupReport,
  ClusterAutoscalers,
  ControllerStore,
} from '@berth/controller-ports';
import type { NodeGroup } from '@berth/api-types';
import { apiVipAddress } from '../cluster/addresses.js';
import { isTrue } from '../conditions.js';

const RESYNC_MS = 10_000;

export interface AutoscalerDeps {
  store: ControllerStore;
  autoscalers: ClusterAutoscalers;
  now: () => Date;
}

export class AutoscalerReconciler implements Reconciler {
  readonly #running = new Set<string>();

  constructor(private readonly deps: AutoscalerDeps) {}

  async reconcile(uid: string, signal: AbortSignal): Promise<Result | void> {
    const { store, autoscalers } = this.deps;
    const cluster = await store.getCluster(uid);
    const groups =
      cluster === undefined
        ? []
        : (await store.listNodeGroups(uid)).filter(
            (g) => g.spec.autoscaling.enabled && g.metadata.deletionRequestedAt === undefined,
          );
    const wanted =
      cluster !== undefined &&
      cluster.metadata.deletionRequestedAt === undefined &&
      !cluster.spec.stopped &&
      groups.length > 0;
    if (!wanted) {
      await autoscalers.stop(uid);
      this.#running.delete(uid);
      return;
    }
    // It starts once the API is ready; one already running rides out a control plane blip.
    if (!isTrue(cluster.status.conditions, 'ControlPlaneReady') && !this.#running.has(uid)) {
      return { requeueAfterMs: RESYNC_MS };
    }
    await autoscalers.run(cluster, signal);
    this.#running.add(uid);
    const vip = apiVipAddress(cluster.spec.network.subnetCidr);
    const report = await autoscalers.report(cluster, vip, signal);
    if (report !== undefined) {
      for (const group of groups) await this.#record(group, report.get(group.metadata.name));
    }
    return { requeueAfterMs: RESYNC_MS };
  }

  async #record(group: NodeGroup, report: AutoscalerGroupReport | undefined): Promise<void> {
    const current = group.status.autoscaler;
    const fields: AutoscalerGroupReport = report ?? {};
    const same =
      current !== undefined &&
      current.health === fields.health &&
      current.scaleUp === fields.scaleUp &&
      current.scaleDownCandidates === fields.scaleDownCandidates &&
      JSON.stringify(current.backoff) === JSON.stringify(fields.backoff);
    if (same) return;
    const reportedAt = this.deps.now().toISOString();
    await this.deps.store.updateNodeGroupStatus(group.metadata.uid, (status) => {
      if (status.autoscaler === undefined && !group.spec.autoscaling.enabled) return status;
      const kept = { ...(status.autoscaler ?? { targetSize: group.spec.count, removing: [] }) };
      delete kept.health;
      delete kept.scaleUp;
      delete kept.backoff;
      delete kept.scaleDownCandidates;
      return { ...status, autoscaler: { ...kept, ...fields, reportedAt } };
    });
  }
}
