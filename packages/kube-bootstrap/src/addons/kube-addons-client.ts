/**
 * The addon controller's view of one cluster (`ClusterAddonsClient`) over the cluster's own API
 * as its admin: server-side apply, objects found again by label, deletion, and workload
 * readiness with the reason its pods give (the scheduler's Unschedulable message, a container's
 * waiting reason such as ImagePullBackOff).
 */
import type {
  AddonKindRef,
  AddonObject,
  AddonObjectRef,
  AddonWorkload,
  ClusterAddonsClient,
} from '@berth/controller-ports';
import type { KubernetesObject } from '@kubernetes/client-node';
import { PatchStrategy, type KubeClient } from '../kube-client.js';

export interface Workload extends KubernetesObject {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: {
    observedGeneration?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    unavailableReplicas?: number;
    numberUnavailable?: number;
    desiredNumberScheduled?: number;
    numberAvailable?: number;
    updatedNumberScheduled?: number;
  };
}

interface PodObject extends KubernetesObject {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

/** Container waiting reasons that mean the pod will not start by itself. */
const STUCK = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'InvalidImageName',
]);

export class KubeAddonsClient implements ClusterAddonsClient {
  constructor(private readonly api: KubeClient) {}

  async apply(objects: readonly AddonObject[], fieldManager: string, signal: AbortSignal) {
    for (const object of objects) {
      await this.api.call(
        `apply ${object.kind} ${object.metadata.name}`,
        (k) =>
          k.objects.patch(
            object,
            undefined,
            undefined,
            fieldManager,
            true,
            PatchStrategy.ServerSideApply,
          ),
        // The object API sets the patch's content type itself (a second one is a 415).
        { signal },
      );
    }
  }

  async list(label: string, kinds: readonly AddonKindRef[], signal: AbortSignal) {
    const out: AddonObjectRef[] = [];
    for (const kind of kinds) {
      const list = await this.api.call(
        `list ${kind.kind} labelled ${label}`,
        (k) =>
          k.objects.list(
            kind.apiVersion,
            kind.kind,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            label,
          ),
        { signal },
      );
      for (const item of list.items) {
        const { name, namespace, labels, deletionTimestamp } = item.metadata ?? {};
        const addon = labels?.[label];
        if (name === undefined || addon === undefined) continue;
        out.push({
          apiVersion: kind.apiVersion,
          kind: kind.kind,
          name,
          ...(kind.namespaced && namespace !== undefined ? { namespace } : {}),
          addon,
          deleting: deletionTimestamp !== undefined,
        });
      }
    }
    return out;
  }

  async delete(object: AddonObjectRef, signal: AbortSignal): Promise<void> {
    const spec = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: { name: object.name, ...(object.namespace ? { namespace: object.namespace } : {}) },
    };
    await this.api.find(
      `delete ${object.kind} ${object.name}`,
      (k) => k.objects.delete(spec, undefined, undefined, undefined, undefined, 'Background'),
      { signal },
    );
  }

  async workloads(label: string, addon: string, signal: AbortSignal): Promise<AddonWorkload[]> {
    const out: AddonWorkload[] = [];
    for (const kind of ['Deployment', 'DaemonSet']) {
      const list = await this.api.call(
        `list ${kind}s of addon ${addon}`,
        (k) =>
          k.objects.list<Workload>(
            'apps/v1',
            kind,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            `${label}=${addon}`,
          ),
        { signal },
      );
      for (const item of list.items) out.push(await this.#workload(kind, item, signal));
    }
    return out;
  }

  async #workload(kind: string, item: Workload, signal: AbortSignal): Promise<AddonWorkload> {
    const namespace = item.metadata?.namespace ?? '';
    const name = item.metadata?.name ?? '';
    const { desired, available } = workloadPods(kind, item);
    const base = { kind, namespace, name, desired, available };
    if (available >= desired) return base;
    const problem = await this.#podProblem(
      namespace,
      item.spec?.selector?.matchLabels ?? {},
      signal,
    );
    return problem === undefined ? base : { ...base, problem };
  }

  /** The first reason a pod of the workload gives for not running. */
  async #podProblem(namespace: string, matchLabels: Record<string, string>, signal: AbortSignal) {
    const selector = Object.entries(matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = await this.api.call(
      `list pods in ${namespace}`,
      (k) =>
        k.objects.list<PodObject>(
          'v1',
          'Pod',
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          selector,
        ),
      { signal },
    );
    for (const pod of pods.items) {
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (scheduled?.status === 'False')
        return { reason: scheduled.reason ?? 'Unschedulable', message: scheduled.message ?? '' };
      for (const c of pod.status?.containerStatuses ?? []) {
        const waiting = c.state?.waiting;
        if (waiting?.reason !== undefined && STUCK.has(waiting.reason))
          return { reason: waiting.reason, message: waiting.message ?? waiting.reason };
      }
    }
    return undefined;
  }
}

/**
 * Pods a Deployment or DaemonSet wants, and those available at its current revision: the
 * updated ones less the unavailable (during a rollout the unavailable pods are the new
 * revision's, while the old ones stay available), and none until the controller has seen the
 * current generation.
 */
export function workloadPods(kind: string, item: Workload): { desired: number; available: number } {
  const s = item.status ?? {};
  const current = (s.observedGeneration ?? 0) >= (item.metadata?.generation ?? 0);
  if (kind === 'Deployment') {
    const updated = (s.updatedReplicas ?? 0) - (s.unavailableReplicas ?? 0);
    return {
      desired: item.spec?.replicas ?? 1,
      available: current ? Math.max(0, Math.min(updated, s.availableReplicas ?? 0)) : 0,
    };
  }
  const updated = (s.updatedNumberScheduled ?? 0) - (s.numberUnavailable ?? 0);
  return {
    desired: s.desiredNumberScheduled ?? 0,
    available: current ? Math.max(0, Math.min(updated, s.numberAvailable ?? 0)) : 0,
  };
}
