/**
 * ServiceLoadBalancerReconciler, keyed by cluster uid: the cloud controller of Berth's clusters.
 * A pass reads the cluster's Nodes and LoadBalancer Services, gives each Service a provider
 * load balancer (finalizer first, then the load balancer, then `status.loadBalancer.ingress`),
 * releases those of Services that no longer want one (deleted, type changed), routes the nodes'
 * pod CIDRs in the cluster's router (node-routes.ts), and removes any Service load balancer
 * whose Service is gone. One Service's failure never stops the others; a running cluster is
 * re-read every RESYNC_MS, so status follows a new Service within seconds.
 *
 * Deletion races: a pass that began just before the cluster's deletion may still create a load
 * balancer. Cluster teardown deletes Service load balancers first and the network last, and a VIP
 * left on the subnet makes the network's deletion fail, so the retried teardown removes it.
 */
import type { Cluster } from '@berth/api-types';
import type { Logger, Reconciler, Result } from '@berth/controller-kit';
import type { ControllerStore } from '@berth/controller-ports';
import type { InfraProvider } from '@berth/provider-api';
import { apiVipAddress } from '../cluster/addresses.js';
import { errorMessage } from '../failures.js';
import { clusterTags, names } from '../naming.js';
import { deleteServiceLoadBalancer, deleteServiceLoadBalancers } from './cleanup.js';
import { desiredLoadBalancer, parseAnnotations } from './desired.js';
import { syncNodeRoutes } from './node-routes.js';
import { ensureServiceLoadBalancer, type ServiceLbScope } from './provider-load-balancer.js';
import type {
  ClusterNode,
  ClusterService,
  ClusterServicesApi,
  ClusterServicesClient,
  ServiceEvent,
} from '@berth/controller-ports';

/** How often a serving cluster is re-read: status must follow a new Service within 10 s. */
export const RESYNC_MS = 2_500;
/** Clusters not serving (provisioning, stopped) are looked at again this often. */
const IDLE_MS = 10_000;
const SERVING_PHASES = new Set(['Running', 'Reconciling', 'Upgrading']);

export interface ServiceControllerDeps {
  store: Pick<ControllerStore, 'getCluster'>;
  provider: InfraProvider;
  services: ClusterServicesApi;
  logger: Logger;
}

interface ServicesPass {
  cluster: Cluster;
  client: ClusterServicesClient;
  scope: ServiceLbScope;
  nodes: ClusterNode[];
  signal: AbortSignal;
}

export class ServiceLoadBalancerReconciler implements Reconciler {
  /** Last warning recorded per Service uid, so a bad annotation yields one event, not one a pass. */
  readonly #warned = new Map<string, string>();

  constructor(private readonly deps: ServiceControllerDeps) {}

  async reconcile(uid: string, signal: AbortSignal): Promise<Result | void> {
    const cluster = await this.deps.store.getCluster(uid);
    if (cluster === undefined || cluster.metadata.deletionRequestedAt !== undefined) return;
    if (!serving(cluster)) return { requeueAfterMs: IDLE_MS };
    const scope = await this.#scope(cluster, signal);
    if (scope === undefined) return { requeueAfterMs: IDLE_MS };
    const vip = apiVipAddress(cluster.spec.network.subnetCidr);
    const connection = await this.deps.services.connect(cluster, vip, signal);
    if ('unreachable' in connection) {
      this.deps.logger.debug(
        { cluster: uid, why: connection.unreachable },
        'cluster API unreachable',
      );
      return { requeueAfterMs: RESYNC_MS };
    }
    const { client } = connection;
    const nodes = await client.listNodes(signal);
    const services = await client.listServices(signal);
    const pass: ServicesPass = { cluster, client, scope, nodes, signal };
    const wanted = services.filter(wantsLoadBalancer);
    for (const service of wanted)
      await this.#guarded(pass, service, () => this.#serve(pass, service));
    for (const service of services.filter((s) => !wantsLoadBalancer(s) && s.hasFinalizer))
      await this.#guarded(pass, service, () => this.#release(pass, service));
    // Routes after the Services: a route change rewires the router (seconds on the local
    // provider), and a new Service's address should not wait for it.
    await this.#routes(cluster, nodes, signal);
    const keep = new Set(wanted.map((s) => s.uid));
    const removed = await deleteServiceLoadBalancers(this.deps.provider, cluster, signal, keep);
    if (removed.length > 0)
      this.deps.logger.info(
        { cluster: uid, services: removed },
        'orphaned service load balancers removed',
      );
    return { requeueAfterMs: RESYNC_MS };
  }

  /** Node routes; a failure is logged and retried next pass, never blocking the Services. */
  async #routes(cluster: Cluster, nodes: ClusterNode[], signal: AbortSignal): Promise<void> {
    try {
      const changed = await syncNodeRoutes(this.deps.provider, cluster, nodes, signal);
      if (changed !== undefined)
        this.deps.logger.info(
          {
            cluster: cluster.metadata.uid,
            routes: changed.routes.map((r) => `${r.destination} via ${r.nexthop}`),
          },
          'node routes updated',
        );
    } catch (err) {
      signal.throwIfAborted();
      this.deps.logger.warn(
        { cluster: cluster.metadata.uid, err: errorMessage(err) },
        'node routes not updated',
      );
    }
  }

  async #serve(pass: ServicesPass, service: ClusterService): Promise<void> {
    const { client, signal } = pass;
    if (!service.hasFinalizer) await client.addFinalizer(service, signal);
    const parsed = parseAnnotations(service);
    if ('problems' in parsed) {
      return this.#warn(pass, service, 'InvalidLoadBalancerAnnotation', parsed.problems.join('; '));
    }
    const { options } = parsed;
    const tls =
      options.tls && (await client.getTlsSecret(service.namespace, options.tls.secretName, signal));
    if (options.tls !== undefined && tls === undefined) {
      const why = `Secret ${service.namespace}/${options.tls.secretName} is missing or not of type kubernetes.io/tls`;
      return this.#warn(pass, service, 'TlsSecretNotFound', why);
    }
    const endpoints =
      service.externalTrafficPolicy === 'Local'
        ? await client.endpointNodeNames(service, signal)
        : undefined;
    const desired = desiredLoadBalancer(service, options, pass.nodes, endpoints);
    if (desired.skipped.length > 0)
      await this.#warn(pass, service, 'UnsupportedServicePort', desired.skipped.join('; '));
    else this.#warned.delete(service.uid);
    const address = await ensureServiceLoadBalancer(pass.scope, {
      service,
      desired,
      internal: options.internal,
      tls: tls || undefined,
    });
    if (address === undefined || sameIps(service.ingressIps, [address])) return;
    await client.setIngress(service, [address], signal);
    await this.#event(pass, service, {
      type: 'Normal',
      reason: 'EnsuredLoadBalancer',
      message: `load balancer ready at ${address}${options.internal ? ' (internal)' : ''}`,
    });
  }

  /** The Service no longer wants a load balancer: remove it, clear status, drop the finalizer. */
  async #release(pass: ServicesPass, service: ClusterService): Promise<void> {
    const { client, signal } = pass;
    await deleteServiceLoadBalancer(this.deps.provider, pass.cluster, service.uid, signal);
    if (!service.deleting && service.ingressIps.length > 0)
      await client.setIngress(service, [], signal);
    await client.removeFinalizer(service, signal);
    this.#warned.delete(service.uid);
    await this.#event(pass, service, {
      type: 'Normal',
      reason: 'DeletedLoadBalancer',
      message: 'load balancer and its floating IP deleted',
    });
  }

  /** Runs one Service's work; a failure is logged (and reported on the Service), never thrown. */
  async #guarded(pass: ServicesPass, service: ClusterService, work: () => Promise<void>) {
    try {
      await work();
    } catch (err) {
      pass.signal.throwIfAborted();
      await this.#warn(pass, service, 'SyncLoadBalancerFailed', errorMessage(err)).catch(
        () => undefined,
      );
    }
  }

  async #warn(pass: ServicesPass, service: ClusterService, reason: string, message: string) {
    const key = `${reason}: ${message}`;
    if (this.#warned.get(service.uid) === key) return;
    this.#warned.set(service.uid, key);
    this.deps.logger.warn(
      {
        cluster: pass.cluster.metadata.uid,
        service: `${service.namespace}/${service.name}`,
        reason,
      },
      message,
    );
    await this.#event(pass, service, { type: 'Warning', reason, message });
  }

  async #event(pass: ServicesPass, service: ClusterService, event: ServiceEvent) {
    await pass.client.recordEvent(service, event, pass.signal);
  }

  async #scope(cluster: Cluster, signal: AbortSignal): Promise<ServiceLbScope | undefined> {
    const { provider } = this.deps;
    const external = (await provider.networks.list({ external: true }, signal))[0];
    const tags = clusterTags(cluster);
    const network = await provider.networks.find({ name: names.network(cluster), tags }, signal);
    if (external === undefined || network === undefined) return undefined;
    const subnets = await provider.networks.listSubnets({ networkId: network.id, tags }, signal);
    const subnet = subnets.find((s) => s.name === names.subnet(cluster));
    if (subnet === undefined) return undefined;
    return { provider, cluster, subnetId: subnet.id, externalNetworkId: external.id, signal };
  }
}

/** Clusters whose control plane came up at least once and is not being stopped or deleted. */
function serving(cluster: Cluster): boolean {
  return (
    !cluster.spec.stopped &&
    cluster.status.version !== undefined &&
    SERVING_PHASES.has(cluster.status.phase)
  );
}

function wantsLoadBalancer(service: ClusterService): boolean {
  return (
    service.type === 'LoadBalancer' && !service.deleting && service.loadBalancerClass === undefined
  );
}

function sameIps(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((ip, i) => ip === b[i]);
}
