/**
 * Security groups (Neutron's model), stateful: a rule admitting a flow also admits its replies.
 * Traffic a server's groups do not admit is dropped. A new group holds one rule, like Neutron's
 * default: egress to anywhere over any protocol. Rules are IPv4.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';

export type RuleDirection = 'ingress' | 'egress';
/** `vrrp` (IP protocol 112) is what keepalived between amphorae needs. */
export type RuleProtocol = 'any' | 'tcp' | 'udp' | 'icmp' | 'vrrp';

export interface SecurityGroupRule {
  id: string;
  securityGroupId: string;
  direction: RuleDirection;
  protocol: RuleProtocol;
  /** Inclusive port range for tcp/udp; both null means every port. */
  portRangeMin: number | null;
  portRangeMax: number | null;
  /** The peer: a CIDR, or the ports of a security group; both null means anywhere. */
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
  description: string;
}

export interface SecurityGroup extends ProviderObject {
  description: string;
  /** In the order they were added. */
  rules: SecurityGroupRule[];
}

export interface CreateSecurityGroupInput extends CreateInput {
  description?: string;
}

/**
 * One rule. Validation (`BERTH_ERR_VALIDATION`): ports only with tcp/udp, 1 ≤ min ≤ max ≤ 65535,
 * a single port is min = max; at most one of `remoteIpPrefix` / `remoteGroupId`.
 */
export interface SecurityGroupRuleInput {
  securityGroupId: string;
  direction: RuleDirection;
  protocol: RuleProtocol;
  portRangeMin?: number;
  portRangeMax?: number;
  remoteIpPrefix?: string;
  remoteGroupId?: string;
  description?: string;
}

export interface SecurityGroupService {
  create(input: CreateSecurityGroupInput, signal: AbortSignal): Promise<SecurityGroup>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<SecurityGroup>;
  find(input: FindInput, signal: AbortSignal): Promise<SecurityGroup | undefined>;
  list(input: ListInput, signal: AbortSignal): Promise<SecurityGroup[]>;
  /**
   * `BERTH_ERR_CONFLICT` while a server uses the group. Rules of other groups that name it as
   * `remoteGroupId` are deleted with it.
   */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;
  /**
   * Idempotent by content: a rule equal in direction, protocol, ports and remote to an existing
   * one is returned instead of added (the description is not compared). Takes effect on the
   * group's servers without restarting them.
   */
  addRule(input: SecurityGroupRuleInput, signal: AbortSignal): Promise<SecurityGroupRule>;
  /** Idempotent. */
  deleteRule(input: IdInput, signal: AbortSignal): Promise<void>;
}
