/**
 * Security groups onto servers: each server's rules are the union of its groups' rules, with
 * remote groups resolved to the fixed IPs of the servers in them. Recomputed after any change
 * that can alter a ruleset (rules, groups, servers joining or leaving) and loaded only where
 * the rendered ruleset changed.
 */
import type { SecurityGroup, SecurityGroupRule } from '@berth/provider-api';
import type { FirewallRule, RuleProtocol } from '../render/security-group-nft.js';
import type { ProviderContext } from './context.js';

/** Interfaces the firewall filters inside a server: every port. */
export const SERVER_IFACES = 'eth*';

/** Rulesets loaded at once by `syncAll` (separate namespaces, separate `nft` processes). */
const LOAD_CONCURRENCY = 6;

export class FirewallSync {
  /** Rendered input per server, as last loaded by this provider instance. */
  private readonly applied = new Map<string, string>();

  constructor(private readonly ctx: ProviderContext) {}

  async syncAll(signal?: AbortSignal): Promise<void> {
    const servers = (await this.ctx.repos.servers.all()).filter((s) => s.local.provisioned);
    const groups = new Map(
      (await this.ctx.repos.securityGroups.all()).map((g) => [g.obj.id, g.obj]),
    );
    // A server joining a group changes the ruleset of every member that admits the group (its
    // address joins theirs): each is its own namespace's `nft -f`, so they load side by side.
    const work = servers.map((server) => () => {
      const rules = rulesFor(server.obj.securityGroupIds, groups, (gid) => membersOf(gid, servers));
      return this.load(server.obj.id, rules, signal);
    });
    const lanes = Array.from({ length: Math.min(LOAD_CONCURRENCY, work.length) }, async () => {
      for (let next = work.shift(); next !== undefined; next = work.shift()) await next();
    });
    await Promise.all(lanes);
  }

  /** Loads one server's ruleset now (a new server, before its services start). */
  async syncServer(serverId: string, signal?: AbortSignal): Promise<void> {
    const servers = (await this.ctx.repos.servers.all()).filter(
      (s) => s.local.provisioned || s.obj.id === serverId,
    );
    const groups = new Map(
      (await this.ctx.repos.securityGroups.all()).map((g) => [g.obj.id, g.obj]),
    );
    const server = servers.find((s) => s.obj.id === serverId);
    if (server === undefined) return;
    const rules = rulesFor(server.obj.securityGroupIds, groups, (gid) => membersOf(gid, servers));
    await this.load(serverId, rules, signal);
  }

  forget(serverId: string): void {
    this.applied.delete(serverId);
  }

  /** Forgets what was loaded, so the next sync loads every ruleset again. */
  forgetAll(): void {
    this.applied.clear();
  }

  private async load(serverId: string, rules: FirewallRule[] | undefined, signal?: AbortSignal) {
    const key = JSON.stringify(rules ?? null);
    if (this.applied.get(serverId) === key) return;
    await this.ctx.topology.applyServerFirewall(serverId, rules, signal, SERVER_IFACES);
    this.applied.set(serverId, key);
  }
}

function membersOf(
  groupId: string,
  servers: Array<{ obj: { securityGroupIds: string[]; ports: Array<{ fixedIp: string }> } }>,
) {
  return servers
    .filter((s) => s.obj.securityGroupIds.includes(groupId))
    .flatMap((s) => s.obj.ports.map((p) => p.fixedIp));
}

/** Undefined when the server has no groups: such a server is not filtered. */
export function rulesFor(
  groupIds: string[],
  groups: Map<string, SecurityGroup>,
  members: (groupId: string) => string[],
): FirewallRule[] | undefined {
  if (groupIds.length === 0) return undefined;
  return groupIds
    .flatMap((id) => groups.get(id)?.rules ?? [])
    .map((rule) => toFirewallRule(rule, members));
}

const PROTOCOLS: Record<SecurityGroupRule['protocol'], RuleProtocol | undefined> = {
  any: undefined,
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  vrrp: 112,
};

export function toFirewallRule(
  rule: SecurityGroupRule,
  members: (groupId: string) => string[],
): FirewallRule {
  const out: FirewallRule = { id: rule.id, direction: rule.direction, ethertype: 'IPv4' };
  const protocol = PROTOCOLS[rule.protocol];
  if (protocol !== undefined) out.protocol = protocol;
  if (rule.portRangeMin !== null) out.portRangeMin = rule.portRangeMin;
  if (rule.portRangeMax !== null) out.portRangeMax = rule.portRangeMax;
  if (rule.remoteIpPrefix !== null) out.remoteIpPrefix = rule.remoteIpPrefix;
  if (rule.remoteGroupId !== null) out.remoteGroupAddresses = members(rule.remoteGroupId);
  return out;
}
