/**
 * Rule validation and identity shared by providers, so every provider accepts the same rules
 * and treats the same ones as duplicates.
 */
import { parseCidr } from '@berth/net';
import { providerErrors } from './provider-errors.js';
import type { SecurityGroupRule, SecurityGroupRuleInput } from './security-groups.js';

export type RuleContent = Omit<SecurityGroupRule, 'id'>;

/**
 * The stored form of a rule input: ports filled in (`portRangeMax` defaults to `portRangeMin`),
 * absent fields null.
 * @throws BerthError `BERTH_ERR_VALIDATION` naming the offending field.
 */
export function normalizeRuleInput(input: SecurityGroupRuleInput): RuleContent {
  const { direction, protocol } = input;
  if (direction !== 'ingress' && direction !== 'egress') {
    throw providerErrors.invalid('direction', 'direction is ingress or egress');
  }
  if (!['any', 'tcp', 'udp', 'icmp', 'vrrp'].includes(protocol)) {
    throw providerErrors.invalid('protocol', `unsupported protocol "${String(protocol)}"`);
  }
  const [portRangeMin, portRangeMax] = normalizePorts(input);
  if (input.remoteIpPrefix !== undefined && input.remoteGroupId !== undefined) {
    throw providerErrors.invalid('remoteGroupId', 'give remoteIpPrefix or remoteGroupId, not both');
  }
  if (input.remoteIpPrefix !== undefined) parseCidr(input.remoteIpPrefix, 'remoteIpPrefix');
  return {
    securityGroupId: input.securityGroupId,
    direction,
    protocol,
    portRangeMin,
    portRangeMax,
    remoteIpPrefix: input.remoteIpPrefix ?? null,
    remoteGroupId: input.remoteGroupId ?? null,
    description: input.description ?? '',
  };
}

function normalizePorts(input: SecurityGroupRuleInput): [number | null, number | null] {
  const { portRangeMin: min, portRangeMax: max } = input;
  if (min === undefined && max === undefined) return [null, null];
  if (input.protocol !== 'tcp' && input.protocol !== 'udp') {
    throw providerErrors.invalid('portRangeMin', 'port ranges apply only to tcp and udp');
  }
  const low = min ?? max!;
  const high = max ?? low;
  for (const [field, port] of [
    ['portRangeMin', low],
    ['portRangeMax', high],
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw providerErrors.invalid(field, 'ports are integers from 1 to 65535');
    }
  }
  if (low > high) throw providerErrors.invalid('portRangeMin', 'portRangeMin exceeds portRangeMax');
  return [low, high];
}

/** Same traffic admitted: equal in everything but id and description. */
export function isSameRule(a: RuleContent, b: RuleContent): boolean {
  return (
    a.securityGroupId === b.securityGroupId &&
    a.direction === b.direction &&
    a.protocol === b.protocol &&
    a.portRangeMin === b.portRangeMin &&
    a.portRangeMax === b.portRangeMax &&
    a.remoteIpPrefix === b.remoteIpPrefix &&
    a.remoteGroupId === b.remoteGroupId
  );
}
