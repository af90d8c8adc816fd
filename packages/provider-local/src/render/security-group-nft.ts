/**
 * The nftables ruleset that enforces a server's security groups inside its namespace, with
 * Neutron's semantics: rules are allow-lists per direction, the union of every group on the
 * port applies, replies to allowed traffic pass (conntrack), and anything not allowed is
 * dropped. A new Neutron group carries allow-all egress rules; a group without them blocks
 * egress, and so does this ruleset.
 *
 * Neutron filters at the port, outside the VM, so it sees what crosses the wire: the chains hook
 * prerouting (after conntrack, before the server's own destination NAT) and postrouting (after
 * its source NAT). Traffic a server forwards — a node's pods, a NodePort DNATed to a pod — is
 * filtered like traffic to and from the server itself; an input/output hook would miss it.
 */
import { SECURITY_GROUP_TABLE } from '../names.js';

export type RuleProtocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp' | number;

export interface FirewallRule {
  /** For the rule comment, so `nft list ruleset` leads back to the API object. */
  id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** Undefined = any protocol. */
  protocol?: RuleProtocol;
  /** TCP/UDP/SCTP: the port range. ICMP: min is the type, max the code (Neutron's overload). */
  portRangeMin?: number;
  portRangeMax?: number;
  remoteIpPrefix?: string;
  /** Set for a remote-group rule: the current member addresses of that group. */
  remoteGroupAddresses?: string[];
}

export interface ServerFirewallSpec {
  /** The server's interface; loopback and any other interface are not filtered. */
  iface: string;
  rules: FirewallRule[];
}

export function renderServerFirewall(spec: ServerFirewallSpec): string {
  const chain = (direction: 'ingress' | 'egress') => {
    // mangle (-150): conntrack (-200) has run, DNAT (-100) has not; 300: after SNAT (100).
    const hook =
      direction === 'ingress' ? 'prerouting priority mangle' : 'postrouting priority 300';
    const ifMatch = direction === 'ingress' ? 'iifname' : 'oifname';
    const rules = spec.rules.filter((r) => r.direction === direction).flatMap(renderRule);
    return [
      `\tchain ${direction} {`,
      `\t\ttype filter hook ${hook}; policy accept;`,
      `\t\t${ifMatch} != "${spec.iface}" accept`,
      `\t\tct state established,related accept`,
      `\t\tct state invalid drop`,
      ...rules.map((r) => `\t\t${r}`),
      `\t\tcounter drop`,
      `\t}`,
    ];
  };
  return [
    `table inet ${SECURITY_GROUP_TABLE} {`,
    ...chain('ingress'),
    ...chain('egress'),
    `}`,
    '',
  ].join('\n');
}

/** One nft rule line for `rule`, or none when it cannot match (an empty remote group). */
export function renderRule(rule: FirewallRule): string[] {
  const remote = remoteMatch(rule);
  if (remote === null) return [];
  const parts = [remote ?? familyMatch(rule), ...protocolMatch(rule)];
  parts.push(`accept comment "${rule.id}"`);
  return [parts.join(' ')];
}

function familyMatch(rule: FirewallRule): string {
  return rule.ethertype === 'IPv4' ? 'meta nfproto ipv4' : 'meta nfproto ipv6';
}

/** Address match on the far end; undefined = any; null = matches nothing. */
function remoteMatch(rule: FirewallRule): string | undefined | null {
  const field = rule.direction === 'ingress' ? 'saddr' : 'daddr';
  const family = rule.ethertype === 'IPv4' ? 'ip' : 'ip6';
  if (rule.remoteGroupAddresses !== undefined) {
    if (rule.remoteGroupAddresses.length === 0) return null;
    const set = [...rule.remoteGroupAddresses].sort().join(', ');
    return `${family} ${field} { ${set} }`;
  }
  if (rule.remoteIpPrefix !== undefined) return `${family} ${field} ${rule.remoteIpPrefix}`;
  return undefined;
}

function protocolMatch(rule: FirewallRule): string[] {
  const protocol = icmpForFamily(rule.protocol, rule.ethertype);
  if (protocol === undefined) return [];
  if (typeof protocol === 'number') return [`meta l4proto ${protocol}`];
  if (protocol === 'icmp' || protocol === 'icmpv6') return icmpMatch(protocol, rule);
  const { portRangeMin: min, portRangeMax: max } = rule;
  if (min === undefined) return [`meta l4proto ${protocol}`];
  const range = max === undefined || max === min ? `${min}` : `${min}-${max}`;
  return [`${protocol} dport ${range}`];
}

/** Neutron accepts `icmp` on an IPv6 rule and means ICMPv6. */
function icmpForFamily(
  protocol: RuleProtocol | undefined,
  ethertype: FirewallRule['ethertype'],
): RuleProtocol | undefined {
  return protocol === 'icmp' && ethertype === 'IPv6' ? 'icmpv6' : protocol;
}

function icmpMatch(protocol: 'icmp' | 'icmpv6', rule: FirewallRule): string[] {
  if (rule.portRangeMin === undefined) return [`meta l4proto ${protocol}`];
  const type = `${protocol} type ${rule.portRangeMin}`;
  return rule.portRangeMax === undefined ? [type] : [type, `${protocol} code ${rule.portRangeMax}`];
}
