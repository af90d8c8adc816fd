/**
 * What the addon controller needs from a cluster's Kubernetes API: apply an addon's objects with
 * server-side apply, find every object an addon made (by its label) to prune or remove them, and
 * read how its workloads are doing. The real implementation is in `@berth/kube-bootstrap`; tests
 * use a fake at this boundary. Every method throws on transport or API failures (the pass
 * retries) and is safe to repeat.
 */
import type { AddonStatus, Cluster, ClusterStatus, Condition } from '@berth/api-types';

/** The condition the addon controller owns on a cluster. */
export const ADDONS_READY = 'AddonsReady';

export interface AddonObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface AddonObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Its `addons.berth.dev/name` label. */
  addon: string;
  /** `metadata.deletionTimestamp` is set: deletion is under way (e.g. a finalizer holds it). */
  deleting: boolean;
  /**
   * Its `app.kubernetes.io/managed-by` is `berth`: Berth applied it. Objects an addon's operator
   * made (labelled for the addon so removal finds them) are never pruned.
   */
  managedByBerth: boolean;
}

export interface AddonKindRef {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** A custom resource: when its CRD is not installed, listing finds none (no error). */
  custom?: boolean;
}

/**
 * A Deployment, DaemonSet or Prometheus (whose operator runs a StatefulSet) of an addon, as the
 * controller judges readiness.
 */
export interface AddonWorkload {
  kind: string;
  namespace: string;
  name: string;
  /** Pods wanted (Deployment and Prometheus replicas; DaemonSet desiredNumberScheduled). */
  desired: number;
  /** Pods available at the current revision. */
  available: number;
  /**
   * Why a pod of it cannot run, when one says so: its PodScheduled=False message
   * (`0/3 nodes are available: 3 Insufficient cpu.`) or a container's waiting reason and
   * message (`ImagePullBackOff: …`).
   */
  problem?: { reason: string; message: string };
}

export interface ClusterAddonsClient {
  /** Server-side apply of each object in order, field manager `fieldManager`, forcing conflicts. */
  apply(objects: readonly AddonObject[], fieldManager: string, signal: AbortSignal): Promise<void>;
  /** Objects of these kinds carrying the label `label` (any value), in the order of `kinds`. */
  list(
    label: string,
    kinds: readonly AddonKindRef[],
    signal: AbortSignal,
  ): Promise<AddonObjectRef[]>;
  /** Deletes the object (background propagation); one already gone resolves. */
  delete(object: AddonObjectRef, signal: AbortSignal): Promise<void>;
  /**
   * The addon's Deployments, DaemonSets and Prometheuses (label `label` = `addon`) with their
   * pods' problems.
   */
  workloads(label: string, addon: string, signal: AbortSignal): Promise<AddonWorkload[]>;
}

export type ClusterAddonsConnection = { client: ClusterAddonsClient } | { unreachable: string };

export interface ClusterAddonsApi {
  /** A client for the cluster's API, or why it cannot be reached now (not an error: retry later). */
  connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<ClusterAddonsConnection>;
  /**
   * Platform image references addons run, by component (`traefik`), for the cluster's release;
   * a component the registry does not hold is absent.
   */
  images(cluster: Cluster): Readonly<Record<string, string | undefined>>;
  /**
   * The CustomResourceDefinitions addons bring (the Prometheus Operator's, read from its pinned
   * Go module); empty when they cannot be read (the monitoring addon then reports what is
   * missing).
   */
  customResourceDefinitions(signal: AbortSignal): Promise<readonly AddonObject[]>;
}

/** The part of a cluster's status the addon controller writes (nobody else does). */
export interface AddonsReport {
  addons: AddonStatus[];
  condition: Condition;
}

/** `next` with the addon controller's fields as `stored` has them (see updateClusterStatus). */
export function keepAddonsReport(stored: ClusterStatus, next: ClusterStatus): ClusterStatus {
  const condition = stored.conditions.find((c) => c.type === ADDONS_READY);
  const conditions = next.conditions.filter((c) => c.type !== ADDONS_READY);
  const { addons: _dropped, ...rest } = next;
  return {
    ...rest,
    conditions: condition === undefined ? conditions : [...conditions, condition],
    ...(stored.addons === undefined ? {} : { addons: stored.addons }),
  };
}

/** `status` with the addon controller's report in place (the rest untouched). */
export function withAddonsReport(status: ClusterStatus, report: AddonsReport): ClusterStatus {
  const conditions = status.conditions.filter((c) => c.type !== ADDONS_READY);
  return { ...status, addons: report.addons, conditions: [...conditions, report.condition] };
}
