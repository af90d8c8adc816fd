/**
 * Adapts `@berth/store` to the controllers' ports: `ControllerStore` (what a reconcile pass
 * reads and writes) and `ControllerSources` (which keys to reconcile). Changes come from this
 * process's commits at once and from every replica's commits by polling the change feed, so the
 * leader sees writes that another replica's API accepted.
 */
import {
  INFRASTRUCTURE_FINALIZER,
  type Cluster,
  type ClusterStatus,
  type NodeGroup,
  type NodeGroupStatus,
} from '@berth/api-types';
import {
  keepAddonsReport,
  withAddonsReport,
  type AddonsReport,
  type ControllerSources,
  type ControllerStore,
  type EventInput,
  type FinishOperation,
  type ObjectChange,
  type OperationUpdate,
} from '@berth/controller-ports';
import type { Change, Repositories, Store } from '@berth/store';

const POLL_MS = 500;

export class StoreControllerAdapter implements ControllerStore, ControllerSources {
  constructor(private readonly store: Store) {}

  async getCluster(uid: string): Promise<Cluster | undefined> {
    return this.store.clusters.getByUid(uid);
  }

  async listNodeGroups(clusterUid: string): Promise<NodeGroup[]> {
    return this.store.nodeGroups.listByClusterUid(clusterUid);
  }

  async getNodeGroup(uid: string): Promise<{ nodeGroup: NodeGroup; cluster: Cluster } | undefined> {
    const nodeGroup = await this.store.nodeGroups.getByUid(uid);
    if (nodeGroup === undefined) return undefined;
    const cluster = await this.store.clusters.get({
      project: nodeGroup.metadata.project,
      name: nodeGroup.metadata.cluster,
    });
    return cluster && { nodeGroup, cluster };
  }

  async updateClusterStatus(uid: string, status: ClusterStatus): Promise<void> {
    await this.#writeClusterStatus(uid, (stored) => keepAddonsReport(stored, status));
  }

  async updateClusterAddons(uid: string, report: AddonsReport): Promise<void> {
    await this.#writeClusterStatus(uid, (stored) => withAddonsReport(stored, report));
  }

  /** Read and write in one transaction, so one controller's write keeps the other's fields. */
  async #writeClusterStatus(uid: string, next: (stored: ClusterStatus) => ClusterStatus) {
    await this.store.transaction(async (tx) => {
      const cluster = await tx.clusters.getByUid(uid);
      if (cluster) await tx.clusters.updateStatus(clusterKey(cluster), next(cluster.status));
    });
  }

  async updateNodeGroupStatus(
    uid: string,
    status: NodeGroupStatus | ((current: NodeGroupStatus) => NodeGroupStatus),
  ): Promise<void> {
    const nodeGroup = await this.store.nodeGroups.getByUid(uid);
    if (nodeGroup) await this.store.nodeGroups.updateStatus(nodeGroupKey(nodeGroup), status);
  }

  async finalizeCluster(uid: string, finish: FinishOperation): Promise<void> {
    await this.store.transaction(async (tx) => {
      const cluster = await tx.clusters.getByUid(uid);
      if (cluster === undefined) return;
      const removal = await tx.clusters.removeFinalizer(
        clusterKey(cluster),
        INFRASTRUCTURE_FINALIZER,
      );
      if (removal.removed) await finishOperations(tx, uid, finish);
    });
  }

  async finalizeNodeGroup(uid: string, finish: FinishOperation): Promise<void> {
    await this.store.transaction(async (tx) => {
      const nodeGroup = await tx.nodeGroups.getByUid(uid);
      if (nodeGroup === undefined) return;
      const removal = await tx.nodeGroups.removeFinalizer(
        nodeGroupKey(nodeGroup),
        INFRASTRUCTURE_FINALIZER,
      );
      const cluster = await tx.clusters.get({
        project: nodeGroup.metadata.project,
        name: nodeGroup.metadata.cluster,
      });
      if (removal.removed && cluster !== undefined)
        await finishOperations(tx, cluster.metadata.uid, finish);
    });
  }

  async recordEvent(clusterUid: string, event: EventInput): Promise<void> {
    const cluster = await this.store.clusters.getByUid(clusterUid);
    if (!cluster) return;
    await this.store.events.append({
      ...event,
      project: cluster.metadata.project,
      cluster: cluster.metadata.name,
      clusterUid,
    });
  }

  async listOpenOperations(clusterUid: string) {
    return this.store.operations.listForCluster(clusterUid, { activeOnly: true });
  }

  async updateOperation(id: string, update: OperationUpdate): Promise<void> {
    await this.store.operations.update(id, update);
  }

  async listKeys(): Promise<{ clusters: string[]; nodeGroups: string[] }> {
    const clusters = await this.store.clusters.listKeys();
    const nodeGroups: string[] = [];
    for (const c of clusters) {
      for (const ng of await this.store.nodeGroups.listByClusterUid(c.uid))
        nodeGroups.push(ng.metadata.uid);
    }
    return { clusters: clusters.map((c) => c.uid), nodeGroups };
  }

  /**
   * This process's commits arrive at once through `onChange`; the poll of the change feed brings
   * every replica's, this one's included, so ids delivered at once are skipped when polled.
   */
  subscribe(listener: (change: ObjectChange) => void): () => void {
    const seen = new Set<number>();
    const deliver = (change: Change) => {
      this.toObjectChange(change).then(
        (c) => c && listener(c),
        () => undefined,
      );
    };
    const unsubscribe = this.store.changes.onChange((change) => {
      seen.add(change.id);
      deliver(change);
    });
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const poll = async (cursor: number): Promise<void> => {
      if (stopped) return;
      const next = await this.store.changes.listSince(cursor).then(
        (batch) => {
          for (const change of batch.changes) if (!seen.delete(change.id)) deliver(change);
          return batch.cursor;
        },
        () => cursor,
      );
      if (!stopped) timer = setTimeout(() => void poll(next), POLL_MS);
    };
    void this.store.changes.latestCursor().then(poll, () => poll(0));
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }

  private async toObjectChange(change: Change): Promise<ObjectChange | undefined> {
    if (change.kind === 'Cluster')
      return { kind: 'Cluster', type: change.type, uid: change.uid, clusterUid: change.uid };
    if (change.kind !== 'NodeGroup' || change.cluster === undefined) return undefined;
    const cluster = await this.store.clusters.get({
      project: change.project,
      name: change.cluster,
    });
    return (
      cluster && {
        kind: 'NodeGroup',
        type: change.type,
        uid: change.uid,
        clusterUid: cluster.metadata.uid,
      }
    );
  }
}

async function finishOperations(
  tx: Repositories,
  clusterUid: string,
  finish: FinishOperation,
): Promise<void> {
  for (const op of await tx.operations.listForCluster(clusterUid, { activeOnly: true })) {
    const update = finish(op);
    if (update !== undefined) await tx.operations.update(op.id, update);
  }
}

function clusterKey(cluster: Cluster) {
  return { project: cluster.metadata.project, name: cluster.metadata.name };
}

function nodeGroupKey(nodeGroup: NodeGroup) {
  return {
    project: nodeGroup.metadata.project,
    cluster: nodeGroup.metadata.cluster,
    name: nodeGroup.metadata.name,
  };
}
