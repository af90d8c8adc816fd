/**
 * Load balancer objects (Octavia's model): a load balancer owns a VIP, listeners accept traffic
 * on a protocol port, a listener's default pool spreads it over members, and a pool's health
 * monitor decides which members get it.
 *
 * Every object has two statuses. `provisioningStatus` says whether the provider finished
 * applying the last change (`PENDING_*` while it works, `ACTIVE` when done, `ERROR` when it
 * failed). `operatingStatus` says whether it carries traffic: members are `ONLINE` when their
 * health monitor passes, `ERROR` when it fails, `NO_MONITOR` when the pool has none; pools,
 * listeners and the load balancer are `DEGRADED` when some members below them are in `ERROR`
 * and `ERROR` when all are.
 */
import type { CreateInput, ProviderObject } from './common.js';

export type ProvisioningStatus =
  'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'ERROR';
export type OperatingStatus = 'ONLINE' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR';

export interface LoadBalancerStatuses {
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
}

/** `ACTIVE_STANDBY`: two amphorae with VRRP moving the VIP; `SINGLE`: one. */
export type LoadBalancerTopology = 'SINGLE' | 'ACTIVE_STANDBY';

export interface LoadBalancer extends ProviderObject, LoadBalancerStatuses {
  vipNetworkId: string;
  vipSubnetId: string;
  vipAddress: string;
  /** Associate a floating IP with this port to make the load balancer public. */
  vipPortId: string;
  topology: LoadBalancerTopology;
  listenerIds: string[];
  poolIds: string[];
}

export interface CreateLoadBalancerInput extends CreateInput {
  vipSubnetId: string;
  /** Default: allocated by the subnet's IPAM. */
  vipAddress?: string;
  /** Default `ACTIVE_STANDBY`. */
  topology?: LoadBalancerTopology;
}

/** `TERMINATED_HTTPS` ends TLS at the load balancer; `HTTPS` passes TLS through. */
export type ListenerProtocol = 'TCP' | 'HTTP' | 'HTTPS' | 'TERMINATED_HTTPS';

export interface InsertHeaders {
  xForwardedFor: boolean;
  xForwardedProto: boolean;
}

/** PEM-encoded certificate for `TERMINATED_HTTPS`. The private key is never returned. */
export interface TlsCertificateInput {
  certificatePem: string;
  privateKeyPem: string;
  /** Intermediate certificates, PEM. */
  chainPem?: string;
}

export interface Listener extends ProviderObject, LoadBalancerStatuses {
  loadBalancerId: string;
  protocol: ListenerProtocol;
  /** Unique per load balancer. */
  protocolPort: number;
  defaultPoolId: string | null;
  /** Source CIDRs admitted; empty admits everyone. */
  allowedCidrs: string[];
  /** Concurrent connections; null is unlimited. */
  connectionLimit: number | null;
  timeoutClientDataMs: number;
  timeoutMemberDataMs: number;
  /** Only for HTTP and TERMINATED_HTTPS listeners. */
  insertHeaders: InsertHeaders;
  /** The certificate (not the key) of a TERMINATED_HTTPS listener; null otherwise. */
  tlsCertificatePem: string | null;
}

/** Idempotent by name + tags within the load balancer. */
export interface CreateListenerInput extends CreateInput {
  loadBalancerId: string;
  protocol: ListenerProtocol;
  /** 1–65535; `BERTH_ERR_CONFLICT` when another listener of the load balancer has it. */
  protocolPort: number;
  defaultPoolId?: string;
  allowedCidrs?: string[];
  connectionLimit?: number;
  /** Default 50000. */
  timeoutClientDataMs?: number;
  /** Default 50000. */
  timeoutMemberDataMs?: number;
  insertHeaders?: Partial<InsertHeaders>;
  /** Required for, and only for, `TERMINATED_HTTPS`. */
  tls?: TlsCertificateInput;
}

/** Changes the given fields; absent fields stay. */
export interface UpdateListenerInput {
  id: string;
  defaultPoolId?: string | null;
  allowedCidrs?: string[];
  connectionLimit?: number | null;
  timeoutClientDataMs?: number;
  timeoutMemberDataMs?: number;
  insertHeaders?: Partial<InsertHeaders>;
  tls?: TlsCertificateInput;
}

/** How the load balancer talks to members; `PROXY`/`PROXYV2` prepend the PROXY protocol header. */
export type PoolProtocol = 'TCP' | 'HTTP' | 'HTTPS' | 'PROXY' | 'PROXYV2';
export type LbAlgorithm = 'ROUND_ROBIN' | 'LEAST_CONNECTIONS' | 'SOURCE_IP';
/** `NONE`: no stickiness. `SOURCE_IP`: a client address keeps its member. */
export type SessionPersistence = 'NONE' | 'SOURCE_IP';

export interface Pool extends ProviderObject, LoadBalancerStatuses {
  loadBalancerId: string;
  /** The listener whose default pool this is, if any. */
  listenerId: string | null;
  protocol: PoolProtocol;
  lbAlgorithm: LbAlgorithm;
  sessionPersistence: SessionPersistence;
  memberIds: string[];
  healthMonitorId: string | null;
}

/** Idempotent by name + tags within the load balancer. */
export interface CreatePoolInput extends CreateInput {
  loadBalancerId: string;
  /** Makes the pool this listener's default pool (see `isPoolProtocolCompatible`). */
  listenerId?: string;
  protocol: PoolProtocol;
  lbAlgorithm: LbAlgorithm;
  /** Default `NONE`. */
  sessionPersistence?: SessionPersistence;
}

export interface UpdatePoolInput {
  id: string;
  lbAlgorithm?: LbAlgorithm;
  sessionPersistence?: SessionPersistence;
}

export interface Member extends ProviderObject, LoadBalancerStatuses {
  poolId: string;
  address: string;
  protocolPort: number;
  weight: number;
  /** Subnet the address is on, if given. */
  subnetId: string | null;
  /** Gets traffic only when every non-backup member is down. */
  backup: boolean;
}

/**
 * Idempotent by `address` + `protocolPort` within the pool (Octavia refuses duplicates): a
 * repeated create returns the existing member whatever its name.
 */
export interface CreateMemberInput extends CreateInput {
  poolId: string;
  address: string;
  protocolPort: number;
  /** 0–256, default 1; 0 drains the member. */
  weight?: number;
  subnetId?: string;
  backup?: boolean;
}

export type HealthMonitorType = 'TCP' | 'HTTP' | 'HTTPS';

export interface HealthMonitor extends ProviderObject, LoadBalancerStatuses {
  poolId: string;
  type: HealthMonitorType;
  delaySeconds: number;
  timeoutSeconds: number;
  /** Successes before a member goes ONLINE. */
  maxRetries: number;
  /** Failures before a member goes ERROR. */
  maxRetriesDown: number;
  /** HTTP(S) only: method, path and expected codes (e.g. `200` or `200-204`). */
  httpMethod: string | null;
  urlPath: string | null;
  expectedCodes: string | null;
}

/** A pool has at most one monitor: creating a second one with another name is `BERTH_ERR_CONFLICT`. */
export interface CreateHealthMonitorInput extends CreateInput {
  poolId: string;
  type: HealthMonitorType;
  delaySeconds: number;
  timeoutSeconds: number;
  maxRetries: number;
  /** Default 3. */
  maxRetriesDown?: number;
  /** HTTP(S) defaults: `GET`, `/`, `200`. */
  httpMethod?: string;
  urlPath?: string;
  expectedCodes?: string;
}

export interface UpdateHealthMonitorInput {
  id: string;
  delaySeconds?: number;
  timeoutSeconds?: number;
  maxRetries?: number;
  maxRetriesDown?: number;
  httpMethod?: string;
  urlPath?: string;
  expectedCodes?: string;
}
