/** A cluster world for controller tests: memory store, memory provider, running controllers. */
import { Registry } from 'prom-client';
import {
  applyClusterDefaults,
  applyNodeGroupDefaults,
  type Cluster,
  type ClusterSpecInput,
  type NodeGroup,
} from '@berth/api-types';
import { silentLogger } from '@berth/controller-kit';
import type { ClusterBootstrap } from '@berth/controller-ports';
import { MemoryProvider, type MemoryProviderOptions } from '@berth/provider-memory';
import { SimulatedBootstrap } from '../simulated-bootstrap.js';
import { startControllers, type ControllersOptions, type RunningControllers } from '../wiring.js';
import { MemoryControllerStore } from './memory-store.js';

export interface World {
  store: MemoryControllerStore;
  provider: MemoryProvider;
  controllers: RunningControllers;
  stop(): Promise<void>;
}

export async function startWorld(
  providerOptions: MemoryProviderOptions = {},
  controllerOptions: Pick<ControllersOptions, 'masterRepair' | 'nodeRepair'> = {},
  bootstrap: ClusterBootstrap = new SimulatedBootstrap(),
): Promise<World> {
  const store = new MemoryControllerStore();
  const provider = new MemoryProvider(providerOptions);
  const controllers = await startControllers({
    store,
    provider,
    bootstrap,
    registry: new Registry(),
    logger: silentLogger(),
    ...controllerOptions,
    sources: {
      listKeys: async () => ({
        clusters: [...store.clusters.keys()],
        nodeGroups: [...store.nodeGroups.keys()],
      }),
      subscribe: (listener) => {
        store.onWrite(listener);
        return () => undefined;
      },
    },
  });
  return { store, provider, controllers, stop: () => controllers.stop() };
}

let counter = 0;

/** Writes a cluster and its node groups as the API would, with an open create operation. */
export function createCluster(world: World, name: string, input: ClusterSpecInput = {}): Cluster {
  const spec = applyClusterDefaults(input, { defaultVersion: '1.34' });
  const now = new Date().toISOString();
  const uid = `uid-${name}-${++counter}`;
  const cluster: Cluster = {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name,
      project: 'default',
      uid,
      generation: 1,
      resourceVersion: '1',
      labels: {},
      createdAt: now,
    },
    spec,
    status: { phase: 'Provisioning', conditions: [], observedGeneration: 0 },
  };
  world.store.putCluster(cluster);
  for (const group of spec.nodeGroups) putNodeGroup(world, cluster, group.name, group);
  world.store.openOperation('ClusterCreate', {
    kind: 'Cluster',
    project: 'default',
    cluster: name,
    clusterUid: uid,
    name,
    generation: 1,
  });
  return cluster;
}

export function putNodeGroup(
  world: World,
  cluster: Cluster,
  name: string,
  input: Parameters<typeof applyNodeGroupDefaults>[0],
  generation = 1,
): NodeGroup {
  const existing = [...world.store.nodeGroups.values()].find(
    (ng) => ng.metadata.cluster === cluster.metadata.name && ng.metadata.name === name,
  );
  const nodeGroup: NodeGroup = {
    apiVersion: 'berth.dev/v1',
    kind: 'NodeGroup',
    metadata: {
      name,
      project: cluster.metadata.project,
      cluster: cluster.metadata.name,
      uid: existing?.metadata.uid ?? `ng-${name}-${++counter}`,
      generation,
      resourceVersion: String(generation),
      labels: {},
      createdAt: new Date().toISOString(),
    },
    spec: applyNodeGroupDefaults(input, cluster.spec.zones[0]!),
    status: existing?.status ?? {
      phase: 'Provisioning',
      replicas: 0,
      readyReplicas: 0,
      conditions: [],
      observedGeneration: 0,
    },
  };
  world.store.putNodeGroup(nodeGroup);
  return nodeGroup;
}

/** Changes the stored cluster's spec (bumping generation) as a PATCH or action would. */
export function patchCluster(world: World, uid: string, change: (c: Cluster) => void): Cluster {
  const cluster = structuredClone(world.store.clusters.get(uid)!);
  change(cluster);
  cluster.metadata.generation += 1;
  world.store.putCluster(cluster);
  return cluster;
}
