/**
 * The host's guard table: packets for the external CIDR may leave only through the external
 * bridge. Without it, a missing bridge or a stray route would send floating-IP traffic out of
 * the host's real uplink — and the external CIDR must never leave the host. Tenant subnets live
 * only inside namespaces, so the host never has a route to them: a packet the host itself sends
 * there would follow its default route off the machine, and is dropped instead. Nothing that
 * enters through the external bridge is forwarded anywhere else. The host's own address on the
 * bridge stays reachable from the host (`oifname "lo"`: delivered locally, never sent out), so a
 * service there — the platform registry nodes pull from — has one address for host and nodes.
 */
export interface GuardSpec {
  table: string;
  externalCidr: string;
  externalBridge: string;
  /** Every tenant subnet's CIDR (duplicates allowed; clusters may reuse one). */
  tenantCidrs?: readonly string[];
}

export function renderGuardTable(spec: GuardSpec): string {
  const rule = (dir: 'oifname', also: string[] = []) => {
    const allowed = [spec.externalBridge, ...also].map((i) => `"${i}"`);
    const set = allowed.length === 1 ? allowed[0] : `{ ${allowed.join(', ')} }`;
    return `ip daddr ${spec.externalCidr} ${dir} != ${set} counter drop`;
  };
  return [
    `table inet ${spec.table} {`,
    `\tchain output {`,
    `\t\ttype filter hook output priority filter; policy accept;`,
    `\t\t${rule('oifname', ['lo'])}`,
    ...tenantRule(spec.tenantCidrs ?? []),
    `\t}`,
    `\tchain forward {`,
    `\t\ttype filter hook forward priority filter; policy accept;`,
    `\t\t${rule('oifname')}`,
    `\t\tiifname "${spec.externalBridge}" oifname != "${spec.externalBridge}" counter drop`,
    `\t}`,
    `}`,
    '',
  ].join('\n');
}

function tenantRule(cidrs: readonly string[]): string[] {
  const unique = [...new Set(cidrs)].sort();
  return unique.length === 0 ? [] : [`\t\tip daddr { ${unique.join(', ')} } counter drop`];
}
