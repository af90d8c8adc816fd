/**
 * Where the local cloud sits on the host: the name prefix every host object carries, the
 * external bridge and the external CIDR floating IPs and public VIPs come from.
 */
import { type Cidr, nthAddress, parseCidr } from '@berth/net';
import { assertPrefix } from '../names.js';

export interface TopologyConfig {
  /** Prefix of every namespace, interface and host table; default `berth-`. */
  prefix: string;
  /** The external bridge in the host's namespace; default `<prefix>ext0`. */
  externalBridge: string;
  /**
   * The external network. Default 198.18.0.0/24, from the RFC 2544 benchmarking range, which
   * is never routed on the internet. The host takes `.1`; it is also the routers' gateway.
   */
  externalCidr: string;
}

export const DEFAULT_PREFIX = 'berth-';
export const DEFAULT_EXTERNAL_CIDR = '198.18.0.0/24';

export function topologyConfig(overrides: Partial<TopologyConfig> = {}): TopologyConfig {
  const prefix = overrides.prefix ?? DEFAULT_PREFIX;
  assertPrefix(prefix);
  const config = {
    prefix,
    externalBridge: overrides.externalBridge ?? `${prefix}ext0`,
    externalCidr: overrides.externalCidr ?? DEFAULT_EXTERNAL_CIDR,
  };
  parseCidr(config.externalCidr);
  return config;
}

export interface ExternalNetwork {
  cidr: Cidr;
  /** The host's address on the external bridge and the routers' default gateway. */
  gatewayIp: string;
}

export function externalNetwork(config: TopologyConfig): ExternalNetwork {
  const cidr = parseCidr(config.externalCidr);
  return { cidr, gatewayIp: nthAddress(cidr, 1) };
}
