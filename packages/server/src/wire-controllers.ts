/**
 * Wires the cluster and node-group controllers into `berth server`: the store adapted to the
 * controllers' ports, a store lease so only one replica reconciles, and the bootstrap that fits
 * the provider (the memory provider runs no Kubernetes, so its bootstrap is the simulated one).
 * With real Kubernetes, the Service load-balancer controller runs too.
 */
import { cacheDirFromEnv } from '@berth/components';
import { BerthError } from '@berth/errors';
import { createKubeBootstrapParts } from '@berth/kube-bootstrap';
import type { ClusterBootstrap, ClusterServicesApi } from '@berth/controller-ports';
import { listClusterNodes, SimulatedBootstrap, startControllers } from '@berth/controllers';
import { StoreControllerAdapter } from './controller-store.js';
import type { KubeconfigSource } from './deps.js';
import type { ServerContext, WiredControllers } from './start-server.js';

/** A lease outlives a crashed leader by this long before another replica takes over. */
const LEASE_MS = 15_000;

export async function wireControllers(context: ServerContext): Promise<WiredControllers> {
  const { bootstrap, kubeconfigs, services } = await bootstrapFor(context);
  const adapter = new StoreControllerAdapter(context.store);
  const running = await startControllers({
    store: adapter,
    sources: adapter,
    provider: context.provider,
    bootstrap,
    ...(services === undefined ? {} : { services }),
    registry: context.registry,
    logger: context.logger,
    elector: context.store.leases.elector({
      name: 'controllers',
      identity: context.identity,
      durationMs: LEASE_MS,
    }),
    masterRepair: repairDelayFromEnv(process.env, 'BERTH_MASTER_REPLACE_AFTER_SECONDS'),
    nodeRepair: repairDelayFromEnv(process.env, 'BERTH_NODE_REPAIR_AFTER_SECONDS'),
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

/**
 * Self-healing delays from the environment, in seconds: BERTH_MASTER_REPLACE_AFTER_SECONDS (a
 * down master of a 3- or 5-master cluster, default 120) and BERTH_NODE_REPAIR_AFTER_SECONDS (a
 * down worker, default 300). Tests and drills shorten them.
 */
export function repairDelayFromEnv(
  env: NodeJS.ProcessEnv,
  name: 'BERTH_MASTER_REPLACE_AFTER_SECONDS' | 'BERTH_NODE_REPAIR_AFTER_SECONDS',
): { replaceAfterMs?: number } {
  const raw = env[name];
  if (raw === undefined || raw === '') return {};
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `${name} must be a number of seconds ≥ 0, got "${raw}"`,
    );
  }
  return { replaceAfterMs: seconds * 1000 };
}

/** Real Kubernetes (kube-bootstrap) on the local provider; simulated on the memory provider. */
async function bootstrapFor(context: ServerContext): Promise<{
  bootstrap: ClusterBootstrap;
  kubeconfigs?: KubeconfigSource;
  services?: ClusterServicesApi;
}> {
  if (context.providerKind === 'memory') return { bootstrap: new SimulatedBootstrap() };
  const { bootstrap, services } = await createKubeBootstrapParts({
    dataDir: context.dataDir,
    cacheDir: cacheDirFromEnv(process.env),
    logger: context.logger,
    catalog: context.provider.catalog,
    sealedSecrets: context.store.secrets,
  });
  return {
    bootstrap,
    services,
    kubeconfigs: { adminKubeconfig: (cluster) => bootstrap.adminKubeconfig(cluster) },
  };
}
