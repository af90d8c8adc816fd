import {
  isSameRule,
  normalizeRuleInput,
  providerErrors,
  type CreateSecurityGroupInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type SecurityGroup,
  type SecurityGroupRule,
  type SecurityGroupRuleInput,
  type SecurityGroupService,
} from '@berth/provider-api';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import type { SecurityGroupRecord } from './state.js';

export class MemorySecurityGroups implements SecurityGroupService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('securityGroups'),
      kind: 'SecurityGroup',
      table: (state) => state.securityGroups,
      view: snapshot,
    });
  }

  create(input: CreateSecurityGroupInput, signal: AbortSignal): Promise<SecurityGroup> {
    return this.ctx.run('securityGroups.create', input, signal, () => {
      const { securityGroups } = this.ctx.state;
      const existing = existingFor(securityGroups, input);
      if (existing) return snapshot(existing);
      this.ctx.checkQuota('securityGroups', Object.keys(securityGroups).length, 1);
      const base = newObject(this.ctx, 'secgroup', input);
      const record: SecurityGroupRecord = {
        ...base,
        description: input.description ?? '',
        rules: [this.defaultEgressRule(base.id)],
      };
      securityGroups[record.id] = record;
      return snapshot(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<SecurityGroup> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<SecurityGroup | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListInput, signal: AbortSignal): Promise<SecurityGroup[]> {
    return this.reads.list(input, signal);
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('securityGroups.delete', input, signal, () => {
      const { state } = this.ctx;
      const group = state.securityGroups[input.id];
      if (!group) return;
      const user = Object.values(state.servers).find((s) => s.securityGroupIds.includes(group.id));
      if (user)
        throw providerErrors.conflict(
          `security group ${group.name} is used by server ${user.name}`,
        );
      for (const other of Object.values(state.securityGroups)) {
        other.rules = other.rules.filter((r) => r.remoteGroupId !== group.id);
      }
      delete state.securityGroups[group.id];
    });
  }

  addRule(input: SecurityGroupRuleInput, signal: AbortSignal): Promise<SecurityGroupRule> {
    return this.ctx.run('securityGroups.addRule', input, signal, () => {
      const { state } = this.ctx;
      const group = mustGet(state.securityGroups, 'SecurityGroup', input.securityGroupId);
      const content = normalizeRuleInput(input);
      if (content.remoteGroupId !== null)
        mustGet(state.securityGroups, 'SecurityGroup', content.remoteGroupId);
      const existing = group.rules.find((r) => isSameRule(r, content));
      if (existing) return snapshot(existing);
      const rule: SecurityGroupRule = { id: this.ctx.newId('rule'), ...content };
      group.rules.push(rule);
      return snapshot(rule);
    });
  }

  deleteRule(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('securityGroups.deleteRule', input, signal, () => {
      for (const group of Object.values(this.ctx.state.securityGroups)) {
        group.rules = group.rules.filter((r) => r.id !== input.id);
      }
    });
  }

  /** Neutron's default: egress anywhere over any protocol. */
  private defaultEgressRule(securityGroupId: string): SecurityGroupRule {
    return {
      id: this.ctx.newId('rule'),
      securityGroupId,
      direction: 'egress',
      protocol: 'any',
      portRangeMin: null,
      portRangeMax: null,
      remoteIpPrefix: null,
      remoteGroupId: null,
      description: 'default: allow all egress',
    };
  }
}
