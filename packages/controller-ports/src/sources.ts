/**
 * Where the controllers' keys come from: every object when leadership is gained, then each write
 * as the store reports it. The composition root adapts the store's change feed to this port.
 */
export interface ObjectChange {
  kind: 'Cluster' | 'NodeGroup';
  /**
   * `upsert`: intent changed (created; spec, labels or deletion); `status`: only a controller's
   * report changed; `delete`: gone. A status change never re-enqueues its own object, so a
   * pass's own write (say, a terminal error) does not cause another pass.
   */
  type: 'upsert' | 'status' | 'delete';
  uid: string;
  clusterUid: string;
}

export interface ControllerSources {
  /** Uids of every cluster and node group in the store. */
  listKeys(): Promise<{ clusters: string[]; nodeGroups: string[] }>;
  /** Calls `listener` after each write; returns the unsubscribe function. */
  subscribe(listener: (change: ObjectChange) => void): () => void;
}
