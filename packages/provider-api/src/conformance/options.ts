/** What a provider tells the conformance suite about itself. */
import type { InfraProvider } from '../infra-provider.js';

/** Optional capabilities; a provider lists those it lacks and their scenarios are skipped. */
export type ProviderCapability =
  | 'loadBalancers'
  | 'activeStandby'
  | 'terminatedHttps'
  | 'volumes'
  | 'floatingIps'
  | 'hardAntiAffinity';

export interface ConformanceOptions {
  /** Capabilities the provider does not implement. */
  lacks?: ProviderCapability[];
  /** How long to wait for an asynchronous status (ACTIVE, SHUTOFF, …). Default 30 s. */
  waitTimeoutMs?: number;
  /** Poll interval while waiting. Default 25 ms. */
  pollIntervalMs?: number;
  /** Per-scenario timeout. Default 180 s. */
  testTimeoutMs?: number;
  /** Tenant subnet the scenarios create. Default `10.250.0.0/24`. */
  subnetCidr?: string;
  /** A /29 (5 usable addresses) for the IPAM exhaustion scenario. Default `10.250.1.0/29`. */
  smallSubnetCidr?: string;
  /** Default: the first available zone with an `up` hypervisor. */
  zone?: string;
  /** Default: the smallest flavor. */
  flavor?: string;
  /** Default: the first volume type. */
  volumeType?: string;
  /** Default: the first external network. */
  externalNetworkId?: string;
}

/** What `makeProvider` returns: the provider under test and how to dispose of it. */
export interface ProviderUnderTest {
  provider: InfraProvider;
  /** Called after every scenario, also when it failed. */
  cleanup: () => Promise<void>;
}

export type MakeProvider = () => Promise<ProviderUnderTest>;

export interface ResolvedOptions {
  lacks: ReadonlySet<ProviderCapability>;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  testTimeoutMs: number;
  subnetCidr: string;
  smallSubnetCidr: string;
  zone: string | undefined;
  flavor: string | undefined;
  volumeType: string | undefined;
  externalNetworkId: string | undefined;
}

export function resolveOptions(options: ConformanceOptions): ResolvedOptions {
  return {
    lacks: new Set(options.lacks ?? []),
    waitTimeoutMs: options.waitTimeoutMs ?? 30_000,
    pollIntervalMs: options.pollIntervalMs ?? 25,
    testTimeoutMs: options.testTimeoutMs ?? 180_000,
    subnetCidr: options.subnetCidr ?? '10.250.0.0/24',
    smallSubnetCidr: options.smallSubnetCidr ?? '10.250.1.0/29',
    zone: options.zone,
    flavor: options.flavor,
    volumeType: options.volumeType,
    externalNetworkId: options.externalNetworkId,
  };
}
