/**
 * What the controllers need from the rest of Berth, stated as narrow interfaces so the package
 * depends on no concrete store, provider or Kubernetes bootstrap. The composition root adapts
 * `@berth/store` to `ControllerStore` and picks a `ClusterBootstrap` per provider.
 */
import type {
  Cluster,
  ClusterEvent,
  ClusterStatus,
  NodeGroup,
  NodeGroupStatus,
  Operation,
  ProblemBody,
} from '@berth/api-types';
import type { Server, UserData } from '@berth/provider-api';
import type { AddonsReport } from './addons-ports.js';

export interface ControllerStore {
  getCluster(uid: string): Promise<Cluster | undefined>;
  /** Every node group of the cluster, including those being deleted. */
  listNodeGroups(clusterUid: string): Promise<NodeGroup[]>;
  /** The node group with the cluster it belongs to. */
  getNodeGroup(uid: string): Promise<{ nodeGroup: NodeGroup; cluster: Cluster } | undefined>;
  /**
   * Writes status only; never bumps generation. `addons` and the AddonsReady condition are the
   * addon controller's (`updateClusterAddons`): they are kept as stored, whatever `status` holds.
   */
  updateClusterStatus(uid: string, status: ClusterStatus): Promise<void>;
  /** Writes `status.addons` and the AddonsReady condition, and nothing else of the status. */
  updateClusterAddons(uid: string, report: AddonsReport): Promise<void>;
  /**
   * A function is applied to the stored status in the write's transaction, so fields other
   * writers own (`autoscaler`, which the autoscaler service writes) are kept.
   */
  updateNodeGroupStatus(
    uid: string,
    status: NodeGroupStatus | ((current: NodeGroupStatus) => NodeGroupStatus),
  ): Promise<void>;
  /**
   * Removes the cluster row and its children once teardown finished (the finalizer is done) and,
   * in the same transaction, ends its open operations with `finish(op)` (undefined: leave it).
   * So no delete reads Succeeded while its object can still be read, and no crash between the
   * two leaves an operation open with nothing left to finish it.
   */
  finalizeCluster(uid: string, finish: FinishOperation): Promise<void>;
  /** As `finalizeCluster`, for one node group and the operations `finish` picks. */
  finalizeNodeGroup(uid: string, finish: FinishOperation): Promise<void>;
  recordEvent(clusterUid: string, event: EventInput): Promise<void>;
  /** Operations on the cluster (or its node groups) that are Pending or Running. */
  listOpenOperations(clusterUid: string): Promise<Operation[]>;
  updateOperation(id: string, update: OperationUpdate): Promise<void>;
}

export type EventInput = Pick<ClusterEvent, 'type' | 'reason' | 'message'> & {
  operation?: string;
  object?: { kind: string; name: string };
};

/** How an operation ends when its target goes; undefined leaves it as it is. */
export type FinishOperation = (op: Operation) => OperationUpdate | undefined;

export interface OperationUpdate {
  phase: Operation['phase'];
  progress: number;
  message: string;
  error?: ProblemBody;
}

/** Kubernetes state of one node as the bootstrap sees it. */
export interface NodeReadiness {
  ready: boolean;
  reason: string;
}

export interface ControlPlaneReadiness {
  ready: boolean;
  reason: string;
  message: string;
  /**
   * Masters (by name) the API reports as not serving, when the API answered and said so.
   * Absent when unknown (the API does not answer): Berth then replaces no master.
   */
  downMasters?: string[];
}

export interface MasterPlan {
  name: string;
  address: string;
  zone: string;
}

/**
 * How Kubernetes gets onto servers: the user data each server boots with, and how ready the
 * result is. The real implementation (kube-bootstrap) renders etcd/apiserver/kwok services and
 * asks the cluster's API; the simulated one used with the memory provider derives readiness from
 * server status alone. Implementations are idempotent and keep their own secrets.
 */
export interface ClusterBootstrap {
  masterUserData(input: MasterInput, signal: AbortSignal): Promise<UserData>;
  workerUserData(input: WorkerInput, signal: AbortSignal): Promise<UserData>;
  controlPlaneReadiness(input: ReadinessInput, signal: AbortSignal): Promise<ControlPlaneReadiness>;
  /** Readiness per server name; servers missing from the map are not registered yet. */
  nodeReadiness(input: NodesInput, signal: AbortSignal): Promise<Map<string, NodeReadiness>>;
  /** Cordons and drains the node, honouring PodDisruptionBudgets; resolves when it's empty. */
  drainNode(input: DrainInput, signal: AbortSignal): Promise<void>;
  /**
   * Removes the Kubernetes Node of a worker whose server Berth deleted, as a cloud provider's
   * node-lifecycle controller does, so a successor of the same name registers afresh (a node
   * may not delete its own Node), and the pods still bound to it, so their controllers replace
   * them elsewhere at once. Best effort: an API that does not answer is logged, not thrown.
   */
  deleteNode?(input: DrainInput, signal: AbortSignal): Promise<void>;
  /**
   * Why replacing `master` now would lose data, or undefined when it is safe. Optional: without
   * it, replacement is refused for control planes of fewer than 3 masters, where a recreated
   * master has no etcd peer to rejoin.
   */
  masterReplacementRefusal?(input: ReadinessInput): string | undefined;
  /** Forgets everything kept for the cluster (PKI, kubeconfigs). */
  forgetCluster(cluster: Cluster, signal: AbortSignal): Promise<void>;
}

export interface MasterInput {
  cluster: Cluster;
  master: MasterPlan;
  masters: MasterPlan[];
  /** The address clients use: the API load balancer's VIP or floating IP. */
  apiAddress: string;
  vipAddress: string;
}

export interface WorkerInput {
  cluster: Cluster;
  nodeGroup: NodeGroup;
  serverName: string;
  vipAddress: string;
}

export interface ReadinessInput {
  cluster: Cluster;
  masters: Server[];
  vipAddress: string;
}

export interface NodesInput {
  cluster: Cluster;
  servers: Server[];
  vipAddress: string;
}

export interface DrainInput {
  cluster: Cluster;
  nodeName: string;
  vipAddress: string;
}
