/**
 * The addon controller's view of one cluster (`ClusterAddonsClient`) over the cluster's own API
 * as its admin: server-side apply, objects found again by label, deletion, and workload
 * readiness with the reason its pods give (the scheduler's Unschedulable message, a container's
 * waiting reason such as ImagePullBackOff), and its APIServices' availability.
 */
import type {
  AddonKindRef,
  AddonObject,
  AddonObjectRef,
  AddonWorkload,
  ClusterAddonsClient,
} from '@berth/controller-ports';
import type { KubernetesObject } from '@kubernetes/client-node';
import { PatchStrategy, isNotFound, type KubeClient } from '../kube-client.js';

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
    /** A Prometheus's conditions (Available, Reconciled), from its operator. */
    conditions?: { type: string; status: string; observedGeneration?: number }[];
  };
}

interface PodObject extends KubernetesObject {
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

interface ApiServiceObject extends KubernetesObject {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** The kinds judged for readiness; a Prometheus stands for its operator's StatefulSet. */
const WORKLOADS: readonly AddonKindRef[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', namespaced: true },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', namespaced: true, custom: true },
];

/**
 * The API does not serve the kind: a 404 for its resource, or the client's discovery finding no
 * such kind in the group version (`Unrecognized API version and kind`).
 */
function kindNotServed(err: unknown): boolean {
  if (isNotFound(err)) return true;
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err);
  return /Unrecognized API version and kind|404|not found/i.test(text);
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
      if (object.kind === 'CustomResourceDefinition') {
        // The typed model would drop `x-kubernetes-int-or-string` and its kin: send it as is.
        await this.api.applyJson(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${object.metadata.name}`,
          object,
          fieldManager,
          { signal },
        );
        continue;
      }
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
      const list = await this.#listKind(kind, label, signal);
      for (const item of list) {
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
          managedByBerth: labels?.[MANAGED_BY] === 'berth',
        });
      }
    }
    return out;
  }

  /** Objects of one kind labelled `selector`; none when a custom kind's CRD is not served. */
  async #listKind(
    kind: AddonKindRef,
    selector: string,
    signal: AbortSignal,
  ): Promise<KubernetesObject[]> {
    try {
      const list = await this.api.call(
        `list ${kind.kind} labelled ${selector}`,
        (k) =>
          k.objects.list(
            kind.apiVersion,
            kind.kind,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            selector,
          ),
        { signal },
      );
      return list.items;
    } catch (err) {
      if (kind.custom === true && kindNotServed(err)) return [];
      throw err;
    }
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
    for (const kind of WORKLOADS) {
      const list = await this.#listKind(kind, `${label}=${addon}`, signal);
      for (const item of list) out.push(await this.#workload(kind.kind, item as Workload, signal));
    }
    return [...out, ...(await this.#apiServices(label, addon, signal))];
  }

  /**
   * An addon's APIServices as workloads of one: available once kube-apiserver reports it
   * `Available` (it reached the serving pods), else the condition's reason and message, e.g.
   * `FailedDiscoveryCheck: failing or missing response from https://<pod>:10250/…`.
   */
  async #apiServices(label: string, addon: string, signal: AbortSignal): Promise<AddonWorkload[]> {
    const list = await this.api.call(
      `list APIServices of addon ${addon}`,
      (k) =>
        k.objects.list<ApiServiceObject>(
          'apiregistration.k8s.io/v1',
          'APIService',
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          `${label}=${addon}`,
        ),
      { signal },
    );
    return list.items.map((item) => {
      const available = item.status?.conditions?.find((c) => c.type === 'Available');
      const base = {
        kind: 'APIService',
        namespace: '',
        name: item.metadata?.name ?? '',
        desired: 1,
      };
      if (available?.status === 'True') return { ...base, available: 1 };
      const reason = available?.reason ?? 'NotAvailable';
      return { ...base, available: 0, problem: { reason, message: available?.message ?? reason } };
    });
  }

  async #workload(kind: string, item: Workload, signal: AbortSignal): Promise<AddonWorkload> {
    const namespace = item.metadata?.namespace ?? '';
    const name = item.metadata?.name ?? '';
    const { desired, available } = workloadPods(kind, item);
    const base = { kind, namespace, name, desired, available };
    if (available >= desired) return base;
    const matchLabels =
      kind === 'Prometheus'
        ? { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': name }
        : (item.spec?.selector?.matchLabels ?? {});
    const problem = await this.#podProblem(namespace, matchLabels, signal);
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
  if (kind === 'Prometheus') return prometheusPods(item);
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

/**
 * A Prometheus's pods as its operator reports them: available once its `Available` condition is
 * True for the current generation (all replicas of its StatefulSet ready; `Degraded` is False),
 * and only those running the current spec (`updatedReplicas`), so an upgrade is not Installed
 * while an old pod still serves.
 */
function prometheusPods(item: Workload): { desired: number; available: number } {
  const desired = item.spec?.replicas ?? 1;
  const s = item.status ?? {};
  const available = s.conditions?.find((c) => c.type === 'Available');
  const current =
    available?.status === 'True' &&
    (available.observedGeneration ?? 0) >= (item.metadata?.generation ?? 0);
  const pods = Math.min(s.availableReplicas ?? 0, s.updatedReplicas ?? 0);
  return { desired, available: current ? pods : 0 };
}
