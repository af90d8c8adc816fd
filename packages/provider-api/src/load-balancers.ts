/**
 * The load balancer service (Octavia's API). While a load balancer is `PENDING_*`, changes to it
 * or its children fail with `BERTH_ERR_CONFLICT` (retry later), as in Octavia.
 */
import type { IdInput, FindInput, ListInput } from './common.js';
import type {
  CreateHealthMonitorInput,
  CreateListenerInput,
  CreateLoadBalancerInput,
  CreateMemberInput,
  CreatePoolInput,
  HealthMonitor,
  Listener,
  ListenerProtocol,
  LoadBalancer,
  Member,
  Pool,
  PoolProtocol,
  UpdateHealthMonitorInput,
  UpdateListenerInput,
  UpdatePoolInput,
} from './load-balancer-types.js';

export interface ListListenersInput extends ListInput {
  loadBalancerId?: string;
}
export interface ListPoolsInput extends ListInput {
  loadBalancerId?: string;
}
export interface ListMembersInput extends ListInput {
  poolId: string;
}

export interface LoadBalancerService {
  /** `BERTH_ERR_PROVIDER_QUOTA` when the subnet has no address left for the VIP. */
  create(input: CreateLoadBalancerInput, signal: AbortSignal): Promise<LoadBalancer>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<LoadBalancer>;
  find(input: FindInput, signal: AbortSignal): Promise<LoadBalancer | undefined>;
  list(input: ListInput, signal: AbortSignal): Promise<LoadBalancer[]>;
  /**
   * Cascades: listeners, pools, members and monitors go with it, and a floating IP on its VIP
   * port is disassociated (not released).
   */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;

  createListener(input: CreateListenerInput, signal: AbortSignal): Promise<Listener>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  getListener(input: IdInput, signal: AbortSignal): Promise<Listener>;
  listListeners(input: ListListenersInput, signal: AbortSignal): Promise<Listener[]>;
  updateListener(input: UpdateListenerInput, signal: AbortSignal): Promise<Listener>;
  /** Its default pool stays (detached). */
  deleteListener(input: IdInput, signal: AbortSignal): Promise<void>;

  createPool(input: CreatePoolInput, signal: AbortSignal): Promise<Pool>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  getPool(input: IdInput, signal: AbortSignal): Promise<Pool>;
  listPools(input: ListPoolsInput, signal: AbortSignal): Promise<Pool[]>;
  updatePool(input: UpdatePoolInput, signal: AbortSignal): Promise<Pool>;
  /** Cascades to members and monitor; a listener using it as default pool loses it. */
  deletePool(input: IdInput, signal: AbortSignal): Promise<void>;

  createMember(input: CreateMemberInput, signal: AbortSignal): Promise<Member>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  getMember(input: IdInput, signal: AbortSignal): Promise<Member>;
  listMembers(input: ListMembersInput, signal: AbortSignal): Promise<Member[]>;
  deleteMember(input: IdInput, signal: AbortSignal): Promise<void>;

  createHealthMonitor(input: CreateHealthMonitorInput, signal: AbortSignal): Promise<HealthMonitor>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  getHealthMonitor(input: IdInput, signal: AbortSignal): Promise<HealthMonitor>;
  updateHealthMonitor(input: UpdateHealthMonitorInput, signal: AbortSignal): Promise<HealthMonitor>;
  deleteHealthMonitor(input: IdInput, signal: AbortSignal): Promise<void>;
}

const COMPATIBLE_POOLS: Record<ListenerProtocol, readonly PoolProtocol[]> = {
  TCP: ['TCP', 'PROXY', 'PROXYV2', 'HTTP', 'HTTPS'],
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'TCP', 'PROXY', 'PROXYV2'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
};

/**
 * Which pool protocols may back a listener (Octavia's compatibility table): a layer-4 listener
 * takes any stream pool, an HTTP listener needs an HTTP(-speaking) pool. Providers reject other
 * pairs with `BERTH_ERR_VALIDATION`.
 */
export function isPoolProtocolCompatible(listener: ListenerProtocol, pool: PoolProtocol): boolean {
  return COMPATIBLE_POOLS[listener].includes(pool);
}
