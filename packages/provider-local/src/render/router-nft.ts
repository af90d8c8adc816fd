/**
 * The nftables ruleset of a router namespace: source NAT for egress from attached subnets,
 * 1:1 NAT for floating IPs, hairpin NAT so a server can reach a neighbour through its floating
 * IP, and a forward filter that admits from the external side only what NAT let in.
 */
import { ROUTER_NAT_TABLE } from '../names.js';

export interface RouterSubnetLeg {
  cidr: string;
  /** The router's interface on that subnet. */
  iface: string;
  /** The router's address there (the subnet's gateway). */
  gatewayIp: string;
}

export interface FloatingIpMapping {
  floatingIp: string;
  fixedIp: string;
}

export interface RouterNatSpec {
  externalIface: string;
  /** The router's own address on the external network; egress SNATs to it. */
  externalIp: string;
  subnets: RouterSubnetLeg[];
  floatingIps: FloatingIpMapping[];
  /**
   * Destinations of the router's static routes (nodes' pod CIDRs): their egress is source-NATed
   * like the subnets', since nothing outside knows the way back to them.
   */
  routedCidrs?: string[];
  /** Source-NAT subnet egress to `externalIp` (Neutron's enable_snat); default true. */
  snat?: boolean;
}

export function renderRouterNat(spec: RouterNatSpec): string {
  const ext = `"${spec.externalIface}"`;
  const fips = [...spec.floatingIps].sort((a, b) => a.floatingIp.localeCompare(b.floatingIp));
  const lines = [
    `table ip ${ROUTER_NAT_TABLE} {`,
    `\tchain prerouting {`,
    `\t\ttype nat hook prerouting priority dstnat; policy accept;`,
    ...fips.map((f) => `\t\tip daddr ${f.floatingIp} dnat to ${f.fixedIp}`),
    `\t}`,
    `\tchain postrouting {`,
    `\t\ttype nat hook postrouting priority srcnat; policy accept;`,
    ...fips.map((f) => `\t\toifname ${ext} ip saddr ${f.fixedIp} snat to ${f.floatingIp}`),
    ...(spec.snat === false ? [] : snatSources(spec)).map(
      (cidr) => `\t\toifname ${ext} ip saddr ${cidr} snat to ${spec.externalIp}`,
    ),
    ...spec.subnets.map(
      (s) => `\t\toifname "${s.iface}" ip saddr ${s.cidr} ct status dnat snat to ${s.gatewayIp}`,
    ),
    `\t}`,
    `\tchain forward {`,
    `\t\ttype filter hook forward priority filter; policy accept;`,
    `\t\tiifname ${ext} ct state established,related accept`,
    `\t\tiifname ${ext} ct status dnat accept`,
    `\t\tiifname ${ext} drop`,
    `\t}`,
    `}`,
    '',
  ];
  return lines.join('\n');
}

function snatSources(spec: RouterNatSpec): string[] {
  return [...spec.subnets.map((s) => s.cidr), ...[...(spec.routedCidrs ?? [])].sort()];
}
