/**
 * Wires the cluster and node-group controllers into `berth server`: the store adapted to the
 * controllers' ports, a store lease so only one replica reconciles, and the bootstrap that fits
 * the provider (the memory provider runs no Kubernetes, so its bootstrap is the simulated one).
 */
import { cacheDirFromEnv } from '@berth/components';
import { createKubeBootstrap } from '@berth/kube-bootstrap';
import {
  listClusterNodes,
  SimulatedBootstrap,
  startControllers,
  type ClusterBootstrap,
} from '@berth/controllers';
import { StoreControllerAdapter } from './controller-store.js';
import type { KubeconfigSource } from './deps.js';
import type { ServerContext, WiredControllers } from './start-server.js';

/** A lease outlives a crashed leader by this long before another replica takes over. */
const LEASE_MS = 15_000;

export async function wireControllers(context: ServerContext): Promise<WiredControllers> {
  const { bootstrap, kubeconfigs } = await bootstrapFor(context);
  const adapter = new StoreControllerAdapter(context.store);
  const running = await startControllers({
    store: adapter,
    sources: adapter,
    provider: context.provider,
    bootstrap,
    registry: context.registry,
    logger: context.logger,
    elector: context.store.leases.elector({
      name: 'controllers',
      identity: context.identity,
      durationMs: LEASE_MS,
    }),
  });
  return {
    stop: () => running.stop(),
    ...(kubeconfigs === undefined ? {} : { kubeconfigs }),
    nodes: {
      listNodes: (cluster, signal) =>
        listClusterNodes(context.provider, bootstrap, cluster, signal),
    },
  };
}

/** Real Kubernetes (kube-bootstrap) on the local provider; simulated on the memory provider. */
async function bootstrapFor(
  context: ServerContext,
): Promise<{ bootstrap: ClusterBootstrap; kubeconfigs?: KubeconfigSource }> {
  if (context.providerKind === 'memory') return { bootstrap: new SimulatedBootstrap() };
  const bootstrap = await createKubeBootstrap({
    dataDir: context.dataDir,
    cacheDir: cacheDirFromEnv(process.env),
    logger: context.logger,
    catalog: context.provider.catalog,
    sealedSecrets: context.store.secrets,
  });
  return {
    bootstrap,
    kubeconfigs: { adminKubeconfig: (cluster) => bootstrap.adminKubeconfig(cluster) },
  };
}
