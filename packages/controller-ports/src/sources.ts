/**
 * Where the controllers' keys come from: every object when leadership is gained, then each write
 * as the store reports it. The composition root adapts the store's change feed to this port.
 */
export interface ObjectChange {
  kind: 'Cluster' | 'NodeGroup';
  uid: string;
  clusterUid: string;
}

export interface ControllerSources {
  /** Uids of every cluster and node group in the store. */
  listKeys(): Promise<{ clusters: string[]; nodeGroups: string[] }>;
  /** Calls `listener` after each write; returns the unsubscribe function. */
  subscribe(listener: (change: ObjectChange) => void): () => void;
}
