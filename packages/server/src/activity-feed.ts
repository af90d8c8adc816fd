/**
 * Feeds reconcile passes into ClusterActivity. A pass names its object by uid (a cluster's, or
 * a node group's); the owning cluster's project and name are looked up once per uid and kept,
 * so a busy controller costs no extra queries. Lookups that fail (the object is gone) are
 * skipped: the pass is not attributed.
 */
import type { Store } from '@berth/store';
import type { ClusterActivity, PassOutcome } from './cluster-activity.js';

/** What a controller tells about each pass (controller-kit's ReconcileEvent, as used here). */
interface PassEvent {
  key: string;
  outcome: PassOutcome;
  durationMs: number;
}

interface Observable {
  onReconcile(listener: (event: PassEvent) => void): () => void;
}

const MAX_KNOWN = 20_000;

export function feedActivity(
  store: Store,
  activity: ClusterActivity,
  controllers: { clusters: Observable; nodeGroups: Observable },
): () => void {
  const known = new Map<string, { project: string; cluster: string }>();
  const owner = async (kind: 'cluster' | 'nodegroup', uid: string) => {
    const hit = known.get(uid);
    if (hit) return hit;
    let found: { project: string; cluster: string } | undefined;
    if (kind === 'cluster') {
      const c = await store.clusters.getByUid(uid);
      if (c) found = { project: c.metadata.project, cluster: c.metadata.name };
    } else {
      const ng = await store.nodeGroups.getByUid(uid);
      if (ng) found = { project: ng.metadata.project, cluster: ng.metadata.cluster };
    }
    if (found) {
      if (known.size >= MAX_KNOWN) known.clear();
      known.set(uid, found);
    }
    return found;
  };
  const listener = (kind: 'cluster' | 'nodegroup') => (event: PassEvent) => {
    owner(kind, event.key)
      .then(
        (o) =>
          o &&
          activity.recordReconcile(o.project, o.cluster, event.outcome, event.durationMs / 1000),
      )
      .catch(() => undefined);
  };
  const stopClusters = controllers.clusters.onReconcile(listener('cluster'));
  const stopGroups = controllers.nodeGroups.onReconcile(listener('nodegroup'));
  return () => {
    stopClusters();
    stopGroups();
  };
}
