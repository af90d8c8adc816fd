/**
 * The host's guard table: packets for the external CIDR may leave only through the external
 * bridge. Without it, a missing bridge or a stray route would send floating-IP traffic out of
 * the host's real uplink — and the external CIDR must never leave the host. Tenant subnets live
 * only inside namespaces, so the host never has a route to them: a packet the host itself sends
 * there would follow its default route off the machine, and is dropped instead. Nothing that
 * enters through the external bridge is forwarded anywhere else.
 */
export interface GuardSpec {
  table: string;
  externalCidr: string;
  externalBridge: string;
  /** Every tenant subnet's CIDR (duplicates allowed; clusters may reuse one). */
  tenantCidrs?: readonly string[];
}

export function renderGuardTable(spec: GuardSpec): string {
  const rule = (dir: 'oifname') =>
    `ip daddr ${spec.externalCidr} ${dir} != "${spec.externalBridge}" counter drop`;
  return [
    `table inet ${spec.table} {`,
    `\tchain output {`,
    `\t\ttype filter hook output priority filter; policy accept;`,
    `\t\t${rule('oifname')}`,
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
