/**
 * The host's guard table: packets for the external CIDR may leave only through the external
 * bridge. Without it, a missing bridge or a stray route would send floating-IP traffic out of
 * the host's real uplink — and the external CIDR must never leave the host.
 */
export interface GuardSpec {
  table: string;
  externalCidr: string;
  externalBridge: string;
}

export function renderGuardTable(spec: GuardSpec): string {
  const rule = (dir: 'oifname') =>
    `ip daddr ${spec.externalCidr} ${dir} != "${spec.externalBridge}" counter drop`;
  return [
    `table inet ${spec.table} {`,
    `\tchain output {`,
    `\t\ttype filter hook output priority filter; policy accept;`,
    `\t\t${rule('oifname')}`,
    `\t}`,
    `\tchain forward {`,
    `\t\ttype filter hook forward priority filter; policy accept;`,
    `\t\t${rule('oifname')}`,
    `\t}`,
    `}`,
    '',
  ].join('\n');
}
