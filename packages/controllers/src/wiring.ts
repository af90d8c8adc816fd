/**
 * Builds the cluster and node-group controllers (and, given a `ClusterServicesApi`, the Service
 * load-balancer controller keyed by cluster uid) and feeds them keys: every object when
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
import {
  DEFAULT_MASTER_REPAIR,
  MasterDowntime,
  type MasterRepairPolicy,
} from './cluster/master-repair.js';
import { Downtime, type RepairPolicy } from './downtime.js';
import { DEFAULT_NODE_REPAIR } from './nodegroup/node-repair.js';
import { NodeGroupReconciler } from './nodegroup/nodegroup-reconciler.js';
import { AutoscalerReconciler } from './autoscaler/autoscaler-reconciler.js';
import {
  AddonReconciler,
  DEFAULT_ADDON_POLICY,
  type AddonPolicy,
} from './addons/addon-reconciler.js';
import type {
  ClusterAddonsApi,
  ClusterAutoscalers,
  ClusterBootstrap,
  ClusterServicesApi,
  ClusterStorageApi,
  ControllerSources,
  ControllerStore,
  ObjectChange,
} from '@berth/controller-ports';
import { ServiceLoadBalancerReconciler } from './services/service-reconciler.js';
import {
  DEFAULT_STORAGE_POLICY,
  StorageReconciler,
  type StoragePolicy,
} from './storage/storage-reconciler.js';

export interface ControllersOptions {
  store: ControllerStore;
  sources: ControllerSources;
  provider: InfraProvider;
  bootstrap: ClusterBootstrap;
  registry: Registry;
  logger: Logger;
  elector?: LeaderElector;
  now?: () => Date;
  /** When a down master is replaced (default: after 2 min down; 10 min to join). */
  masterRepair?: Partial<MasterRepairPolicy>;
  /** When a worker that is down (ERROR or NotReady) is replaced (default: after 5 min). */
  nodeRepair?: Partial<RepairPolicy>;
  /** Passes run concurrently per controller; the provider does the slow work. */
  concurrency?: number;
  /**
   * Reaches clusters' Services and Nodes. Given, a third controller gives LoadBalancer Services
   * provider load balancers; absent (the memory provider runs no Kubernetes), it is not started.
   */
  services?: ClusterServicesApi;
  /**
   * Runs clusters' autoscalers. Given, a controller keyed by cluster uid runs one for every
   * cluster with an autoscaled node group (on the leader only) and reports what it says.
   */
  autoscalers?: ClusterAutoscalers;
  /**
   * Reaches clusters' storage objects. Given, a controller keyed by cluster uid provisions,
   * attaches, resizes and reclaims their persistent volumes (the CSI driver's controller side).
   */
  storage?: ClusterStorageApi;
  storagePolicy?: Partial<StoragePolicy>;
  /**
   * Reaches clusters' APIs for addons. Given, a controller keyed by cluster uid installs,
   * upgrades and removes `spec.addons` (real Kubernetes only).
   */
  addons?: ClusterAddonsApi;
  addonPolicy?: Partial<AddonPolicy>;
}

export interface RunningControllers {
  clusters: Controller;
  nodeGroups: Controller;
  /** The Service load-balancer controller, when `services` was given. */
  services?: Controller;
  /** The autoscaler controller, when `autoscalers` was given. */
  autoscaler?: Controller;
  /** The storage controller, when `storage` was given. */
  storage?: Controller;
  /** The addon controller, when `addons` was given. */
  addons?: Controller;
  manager: ControllerManager;
  stop(): Promise<void>;
}

export async function startControllers(options: ControllersOptions): Promise<RunningControllers> {
  const deps = {
    store: options.store,
    provider: options.provider,
    bootstrap: options.bootstrap,
    now: options.now ?? (() => new Date()),
    masterDowntime: new MasterDowntime({ ...DEFAULT_MASTER_REPAIR, ...options.masterRepair }),
    nodeDowntime: new Downtime({ ...DEFAULT_NODE_REPAIR, ...options.nodeRepair }),
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
  const services = serviceController(options, common);
  const autoscalers = options.autoscalers;
  const autoscaler =
    autoscalers === undefined
      ? undefined
      : new Controller({
          name: 'autoscaler',
          reconciler: new AutoscalerReconciler({
            store: options.store,
            autoscalers,
            now: deps.now,
          }),
          ...common,
        });
  const storage =
    options.storage === undefined
      ? undefined
      : new Controller({
          name: 'storage',
          reconciler: new StorageReconciler({
            store: options.store,
            provider: options.provider,
            storage: options.storage,
            logger: options.logger,
            now: deps.now,
            policy: { ...DEFAULT_STORAGE_POLICY, ...options.storagePolicy },
          }),
          ...common,
          timeoutMs: 120_000,
        });
  const addons =
    options.addons === undefined
      ? undefined
      : new Controller({
          name: 'addons',
          reconciler: new AddonReconciler({
            store: options.store,
            addons: options.addons,
            logger: options.logger.child({ controller: 'addons' }),
            now: deps.now,
            policy: { ...DEFAULT_ADDON_POLICY, ...options.addonPolicy },
          }),
          ...common,
          timeoutMs: 60_000,
        });
  const manager = new ControllerManager({
    controllers: [clusters, nodeGroups, services, autoscaler, storage, addons].filter(
      (c): c is Controller => c !== undefined,
    ),
    logger: options.logger,
    ...(options.elector ? { elector: options.elector } : {}),
  });
  const enqueueAll = async () => {
    const keys = await options.sources.listKeys();
    keys.clusters.forEach((k) => clusters.enqueue(k));
    keys.clusters.forEach((k) => services?.enqueue(k));
    keys.clusters.forEach((k) => autoscaler?.enqueue(k));
    keys.clusters.forEach((k) => storage?.enqueue(k));
    keys.clusters.forEach((k) => addons?.enqueue(k));
    keys.nodeGroups.forEach((k) => nodeGroups.enqueue(k));
  };
  manager.onLeadershipChange((leading) => {
    if (leading)
      enqueueAll().catch((err: unknown) => options.logger.error({ err }, 'listing keys failed'));
    // Only the leader runs autoscalers: a replica that lost the lease stops its own.
    else
      autoscalers
        ?.stopAll()
        .catch((err: unknown) => options.logger.error({ err }, 'stopping autoscalers failed'));
  });
  const unsubscribe = options.sources.subscribe((change) => {
    for (const target of watchersOf(change)) {
      if (target === 'cluster') clusters.enqueue(change.clusterUid);
      else if (target === 'services') services?.enqueue(change.clusterUid);
      else if (target === 'autoscaler') autoscaler?.enqueue(change.clusterUid);
      else if (target === 'storage') storage?.enqueue(change.clusterUid);
      else if (target === 'addons') addons?.enqueue(change.clusterUid);
      else if (target === 'nodeGroup') nodeGroups.enqueue(change.uid);
      else
        enqueueNodeGroupsOf(change.clusterUid).catch((err: unknown) =>
          options.logger.error({ err }, 'listing node groups failed'),
        );
    }
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
    ...(services === undefined ? {} : { services }),
    ...(autoscaler === undefined ? {} : { autoscaler }),
    ...(storage === undefined ? {} : { storage }),
    ...(addons === undefined ? {} : { addons }),
    manager,
    stop: async () => {
      unsubscribe();
      await manager.stop();
      await autoscalers?.stopAll();
    },
  };
}

type Watcher =
  | 'cluster'
  | 'services'
  | 'nodeGroup'
  | 'nodeGroupsOfCluster'
  | 'autoscaler'
  | 'storage'
  | 'addons';

/**
 * Which controllers a change concerns. Intent (`upsert`, `delete`) concerns the object's own
 * controller and those that read it; a status write only those that read it: node groups and
 * Services read their cluster's status (is the control plane ready, is it stopped), the cluster
 * reads its node groups' (the nodes summary), and nobody re-reads its own report.
 */
export function watchersOf(change: ObjectChange): Watcher[] {
  if (change.kind === 'Cluster') {
    // The addon controller reads its cluster's status (is it serving) but writes status too, so
    // a status write does not wake it: its own requeue and every intent write do.
    return change.type === 'status'
      ? ['nodeGroupsOfCluster', 'services', 'autoscaler', 'storage']
      : ['cluster', 'services', 'nodeGroupsOfCluster', 'autoscaler', 'storage', 'addons'];
  }
  return change.type === 'status' ? ['cluster'] : ['nodeGroup', 'cluster', 'autoscaler'];
}

function serviceController(
  options: ControllersOptions,
  common: Omit<ConstructorParameters<typeof Controller>[0], 'name' | 'reconciler'>,
): Controller | undefined {
  if (options.services === undefined) return undefined;
  return new Controller({
    name: 'service-lb',
    reconciler: new ServiceLoadBalancerReconciler({
      store: options.store,
      provider: options.provider,
      services: options.services,
      logger: options.logger.child({ controller: 'service-lb' }),
    }),
    ...common,
    timeoutMs: 60_000,
  });
}
