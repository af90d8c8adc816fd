/**
 * A ControllerStore held in memory, for the controllers' unit tests (a fake at the store
 * boundary; the integration suite runs the controllers against the real store over HTTP).
 */
import { randomUUID } from 'node:crypto';
import type {
  Cluster,
  ClusterStatus,
  NodeGroup,
  NodeGroupStatus,
  Operation,
} from '@berth/api-types';
import {
  keepAddonsReport,
  withAddonsReport,
  type AddonsReport,
  type ControllerStore,
  type EventInput,
  type FinishOperation,
  type ObjectChange,
  type OperationUpdate,
} from '@berth/controller-ports';

export class MemoryControllerStore implements ControllerStore {
  readonly clusters = new Map<string, Cluster>();
  readonly nodeGroups = new Map<string, NodeGroup>();
  readonly operations = new Map<string, Operation>();
  readonly events: Array<EventInput & { clusterUid: string }> = [];
  private readonly listeners: Array<(change: ObjectChange) => void> = [];

  onWrite(listener: (change: ObjectChange) => void): void {
    this.listeners.push(listener);
  }

  async getCluster(uid: string): Promise<Cluster | undefined> {
    return structuredClone(this.clusters.get(uid));
  }

  async listNodeGroups(clusterUid: string): Promise<NodeGroup[]> {
    return [...this.nodeGroups.values()]
      .filter((ng) => this.clusterOf(ng)?.metadata.uid === clusterUid)
      .map((ng) => structuredClone(ng));
  }

  async getNodeGroup(uid: string): Promise<{ nodeGroup: NodeGroup; cluster: Cluster } | undefined> {
    const nodeGroup = this.nodeGroups.get(uid);
    const cluster = nodeGroup && this.clusterOf(nodeGroup);
    return nodeGroup && cluster
      ? { nodeGroup: structuredClone(nodeGroup), cluster: structuredClone(cluster) }
      : undefined;
  }

  async updateClusterStatus(uid: string, status: ClusterStatus): Promise<void> {
    const cluster = this.mustCluster(uid);
    cluster.status = structuredClone(keepAddonsReport(cluster.status, status));
    this.emit('Cluster', 'status', uid, uid);
  }

  async updateClusterAddons(uid: string, report: AddonsReport): Promise<void> {
    const cluster = this.mustCluster(uid);
    cluster.status = structuredClone(withAddonsReport(cluster.status, report));
    this.emit('Cluster', 'status', uid, uid);
  }

  async updateNodeGroupStatus(
    uid: string,
    status: NodeGroupStatus | ((current: NodeGroupStatus) => NodeGroupStatus),
  ): Promise<void> {
    const ng = this.nodeGroups.get(uid);
    if (!ng) throw new Error(`no node group ${uid}`);
    ng.status = structuredClone(typeof status === 'function' ? status(ng.status) : status);
    this.emit('NodeGroup', 'status', uid, this.clusterOf(ng)!.metadata.uid);
  }

  async finalizeCluster(uid: string, finish: FinishOperation): Promise<void> {
    for (const ng of await this.listNodeGroups(uid)) this.nodeGroups.delete(ng.metadata.uid);
    this.clusters.delete(uid);
    await this.finishOperations(uid, finish);
  }

  async finalizeNodeGroup(uid: string, finish: FinishOperation): Promise<void> {
    const clusterUid = this.clusterOf(this.nodeGroups.get(uid)!)?.metadata.uid;
    this.nodeGroups.delete(uid);
    if (clusterUid !== undefined) await this.finishOperations(clusterUid, finish);
  }

  private async finishOperations(clusterUid: string, finish: FinishOperation): Promise<void> {
    for (const op of await this.listOpenOperations(clusterUid)) {
      const update = finish(op);
      if (update !== undefined) await this.updateOperation(op.id, update);
    }
  }

  async recordEvent(clusterUid: string, event: EventInput): Promise<void> {
    this.events.push({ ...event, clusterUid });
  }

  async listOpenOperations(clusterUid: string): Promise<Operation[]> {
    return [...this.operations.values()].filter(
      (op) =>
        op.target.clusterUid === clusterUid && (op.phase === 'Pending' || op.phase === 'Running'),
    );
  }

  async updateOperation(id: string, update: OperationUpdate): Promise<void> {
    const op = this.operations.get(id)!;
    Object.assign(op, update, { updatedAt: new Date().toISOString() });
  }

  /** Test helpers: write objects as the API would. */
  putCluster(cluster: Cluster): void {
    this.clusters.set(cluster.metadata.uid, structuredClone(cluster));
    this.emit('Cluster', 'upsert', cluster.metadata.uid, cluster.metadata.uid);
  }

  putNodeGroup(nodeGroup: NodeGroup): void {
    this.nodeGroups.set(nodeGroup.metadata.uid, structuredClone(nodeGroup));
    this.emit(
      'NodeGroup',
      'upsert',
      nodeGroup.metadata.uid,
      this.clusterOf(nodeGroup)!.metadata.uid,
    );
  }

  openOperation(kind: Operation['kind'], target: Operation['target']): Operation {
    const now = new Date().toISOString();
    const op: Operation = {
      id: randomUUID(),
      kind,
      target,
      phase: 'Pending',
      progress: 0,
      message: 'accepted',
      createdAt: now,
      updatedAt: now,
    };
    this.operations.set(op.id, op);
    return op;
  }

  eventReasons(clusterUid: string): string[] {
    return this.events.filter((e) => e.clusterUid === clusterUid).map((e) => e.reason);
  }

  private clusterOf(ng: NodeGroup): Cluster | undefined {
    return [...this.clusters.values()].find(
      (c) => c.metadata.project === ng.metadata.project && c.metadata.name === ng.metadata.cluster,
    );
  }

  private mustCluster(uid: string): Cluster {
    const cluster = this.clusters.get(uid);
    if (!cluster) throw new Error(`no cluster ${uid}`);
    return cluster;
  }

  private emit(
    kind: ObjectChange['kind'],
    type: ObjectChange['type'],
    uid: string,
    clusterUid: string,
  ): void {
    for (const l of this.listeners) l({ kind, type, uid, clusterUid });
  }
}
