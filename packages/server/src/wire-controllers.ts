/**
 * Wires the cluster and node-group controllers into `berth server`: the store adapted to the
 * controllers' ports, a store lease so only one replica reconciles, and the bootstrap that fits
 * the provider (the memory provider runs no Kubernetes, so its bootstrap is the simulated one).
 */
import { BerthError } from '@berth/errors';
import {
  listClusterNodes,
  SimulatedBootstrap,
  startControllers,
  type ClusterBootstrap,
} from '@berth/controllers';
import { StoreControllerAdapter } from './controller-store.js';
import type { ServerContext, WiredControllers } from './start-server.js';

/** A lease outlives a crashed leader by this long before another replica takes over. */
const LEASE_MS = 15_000;

export async function wireControllers(context: ServerContext): Promise<WiredControllers> {
  const bootstrap = bootstrapFor(context);
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
    nodes: {
      listNodes: (cluster, signal) =>
        listClusterNodes(context.provider, bootstrap, cluster, signal),
    },
  };
}

function bootstrapFor(context: ServerContext): ClusterBootstrap {
  if (context.providerKind === 'memory') return new SimulatedBootstrap();
  throw new BerthError(
    'BERTH_ERR_NOT_IMPLEMENTED',
    `clusters on the ${context.providerKind} provider need the Kubernetes bootstrap, which is not wired yet`,
  );
}
