/**
 * Builds the cluster and node-group controllers and feeds them keys: every object when
 * leadership is gained, then each write the store reports. The composition root adapts the
 * store's change feed to `ControllerSources`.
 */
import type { Registry } from 'prom-client';
import {
  Controller,
  ControllerManager,
  createReconcileMetrics,
  type LeaderElector,
  type Logger,
} from '@berth/controller-kit';
import type { InfraProvider } from '@berth/provider-api';
import { ClusterReconciler } from './cluster/cluster-reconciler.js';
import { NodeGroupReconciler } from './nodegroup/nodegroup-reconciler.js';
import type { ClusterBootstrap, ControllerStore } from './ports.js';

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

export interface ControllersOptions {
  store: ControllerStore;
  sources: ControllerSources;
  provider: InfraProvider;
  bootstrap: ClusterBootstrap;
  registry: Registry;
  logger: Logger;
  elector?: LeaderElector;
  now?: () => Date;
  /** Passes run concurrently per controller; the provider does the slow work. */
  concurrency?: number;
}

export interface RunningControllers {
  clusters: Controller;
  nodeGroups: Controller;
  manager: ControllerManager;
  stop(): Promise<void>;
}

export async function startControllers(options: ControllersOptions): Promise<RunningControllers> {
  const deps = {
    store: options.store,
    provider: options.provider,
    bootstrap: options.bootstrap,
    now: options.now ?? (() => new Date()),
  };
  const metrics = createReconcileMetrics(options.registry);
  const common = {
    metrics,
    logger: options.logger,
    concurrency: options.concurrency ?? 8,
    timeoutMs: 120_000,
  };
  const clusters = new Controller({
    name: 'cluster',
    reconciler: new ClusterReconciler(deps),
    ...common,
  });
  const nodeGroups = new Controller({
    name: 'nodegroup',
    reconciler: new NodeGroupReconciler(deps),
    ...common,
  });
  const manager = new ControllerManager({
    controllers: [clusters, nodeGroups],
    logger: options.logger,
    ...(options.elector ? { elector: options.elector } : {}),
  });
  const enqueueAll = async () => {
    const keys = await options.sources.listKeys();
    keys.clusters.forEach((k) => clusters.enqueue(k));
    keys.nodeGroups.forEach((k) => nodeGroups.enqueue(k));
  };
  manager.onLeadershipChange((leading) => {
    if (leading)
      enqueueAll().catch((err: unknown) => options.logger.error({ err }, 'listing keys failed'));
  });
  const unsubscribe = options.sources.subscribe((change) => {
    clusters.enqueue(change.clusterUid);
    if (change.kind === 'NodeGroup') nodeGroups.enqueue(change.uid);
    else
      enqueueNodeGroupsOf(change.clusterUid).catch((err: unknown) =>
        options.logger.error({ err }, 'listing node groups failed'),
      );
  });
  const enqueueNodeGroupsOf = async (clusterUid: string) => {
    for (const ng of await options.store.listNodeGroups(clusterUid))
      nodeGroups.enqueue(ng.metadata.uid);
  };
  await manager.start();
  if (options.elector === undefined) await enqueueAll();
  return {
    clusters,
    nodeGroups,
    manager,
    stop: async () => {
      unsubscribe();
      await manager.stop();
    },
  };
}
