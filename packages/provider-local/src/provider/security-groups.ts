/**
 * Security groups (Neutron's model). Rules live on the group record; every change reloads the
 * rulesets of the servers it affects (firewall-sync.ts), without restarting them.
 */
import {
  isSameRule,
  normalizeRuleInput,
  providerErrors,
  validateNameAndTags,
  type CreateSecurityGroupInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type SecurityGroup,
  type SecurityGroupRule,
  type SecurityGroupRuleInput,
  type SecurityGroupService,
} from '@berth/provider-api';
import { mutate, newId, read, type ProviderContext } from './context.js';
import type { FirewallSync } from './firewall-sync.js';
import { NONE } from './records.js';
import { copy, findByName, findSame, withTags } from './repo.js';

export class LocalSecurityGroups implements SecurityGroupService {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly firewall: FirewallSync,
  ) {}

  create(input: CreateSecurityGroupInput, signal: AbortSignal): Promise<SecurityGroup> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      const existing = findSame(await this.ctx.repos.securityGroups.all(), input);
      if (existing !== undefined) return copy(existing.obj);
      const id = newId();
      const group: SecurityGroup = {
        id,
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        description: input.description ?? '',
        rules: [defaultEgressRule(id)],
      };
      await this.ctx.repos.securityGroups.put(group, NONE);
      return copy(group);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<SecurityGroup> {
    return read(signal, async () =>
      copy((await this.ctx.repos.securityGroups.require(input.id)).obj),
    );
  }

  find(input: FindInput, signal: AbortSignal): Promise<SecurityGroup | undefined> {
    return read(signal, async () =>
      copy(findByName(await this.ctx.repos.securityGroups.all(), input.name, input.tags)),
    );
  }

  list(input: ListInput, signal: AbortSignal): Promise<SecurityGroup[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.securityGroups.all(), input.tags).map((e) => copy(e.obj)),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      if ((await this.ctx.repos.securityGroups.get(input.id)) === undefined) return;
      const users = (await this.ctx.repos.servers.all()).filter((s) =>
        s.obj.securityGroupIds.includes(input.id),
      );
      if (users.length > 0) {
        throw providerErrors.conflict(
          `security group ${input.id} is used by ${users.length} server(s)`,
          {
            servers: users.map((s) => s.obj.id),
          },
        );
      }
      for (const other of await this.ctx.repos.securityGroups.all()) {
        if (other.obj.rules.some((r) => r.remoteGroupId === input.id)) {
          await this.ctx.repos.securityGroups.update(other.obj.id, (e) => {
            e.obj.rules = e.obj.rules.filter((r) => r.remoteGroupId !== input.id);
          });
        }
      }
      await this.ctx.repos.securityGroups.delete(input.id);
      await this.firewall.syncAll(signal);
    });
  }

  addRule(input: SecurityGroupRuleInput, signal: AbortSignal): Promise<SecurityGroupRule> {
    return mutate(this.ctx, signal, async () => {
      const content = normalizeRuleInput(input);
      const group = (await this.ctx.repos.securityGroups.require(input.securityGroupId)).obj;
      if (content.remoteGroupId !== null)
        await this.ctx.repos.securityGroups.require(content.remoteGroupId);
      const same = group.rules.find((r) => isSameRule(r, content));
      if (same !== undefined) return copy(same);
      const rule: SecurityGroupRule = { id: newId(), ...content };
      await this.ctx.repos.securityGroups.update(group.id, (e) => e.obj.rules.push(rule));
      await this.firewall.syncAll(signal);
      return copy(rule);
    });
  }

  deleteRule(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      const owner = (await this.ctx.repos.securityGroups.all()).find((g) =>
        g.obj.rules.some((r) => r.id === input.id),
      );
      if (owner === undefined) return;
      await this.ctx.repos.securityGroups.update(owner.obj.id, (e) => {
        e.obj.rules = e.obj.rules.filter((r) => r.id !== input.id);
      });
      await this.firewall.syncAll(signal);
    });
  }
}

/** Neutron's rule on every new group: egress to anywhere over any protocol. */
function defaultEgressRule(securityGroupId: string): SecurityGroupRule {
  return {
    id: newId(),
    securityGroupId,
    direction: 'egress',
    protocol: 'any',
    portRangeMin: null,
    portRangeMax: null,
    remoteIpPrefix: null,
    remoteGroupId: null,
    description: '',
  };
}
