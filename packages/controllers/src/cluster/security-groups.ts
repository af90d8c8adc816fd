/**
 * Phase 2: the three security groups the product documents name for every cluster:
 * `<cluster>-base` (masters ↔ workers), `<cluster>-master` (the API from the load balancer, etcd
 * only between masters) and `<cluster>-minion` (between worker groups, NodePorts from the load
 * balancers). Only ingress rules are managed; a group's default egress rules stay.
 */
import type { Cluster } from '@berth/api-types';
import type { InfraProvider, SecurityGroup, SecurityGroupRuleInput } from '@berth/provider-api';
import { names, roleTags } from '../naming.js';
import { ClusterConditions, condition, type ClusterPass } from './context.js';

type GroupKind = 'base' | 'master' | 'minion';
type Ids = Record<GroupKind, string>;
type DesiredRule = Omit<SecurityGroupRuleInput, 'securityGroupId'>;

export const API_PORT = 6443;

/** The ingress rules of each group; pure so it can be read (and tested) as a table. */
export function desiredRules(cluster: Cluster, ids: Ids): Record<GroupKind, DesiredRule[]> {
  const subnet = cluster.spec.network.subnetCidr;
  const tcp = (min: number, max: number, description: string, from: Partial<DesiredRule>) => ({
    direction: 'ingress' as const,
    protocol: 'tcp' as const,
    portRangeMin: min,
    portRangeMax: max,
    description,
    ...from,
  });
  return {
    base: [
      {
        direction: 'ingress',
        protocol: 'any',
        remoteGroupId: ids.base,
        description: 'masters and workers',
      },
      {
        direction: 'ingress',
        protocol: 'icmp',
        remoteIpPrefix: subnet,
        description: 'ping inside the network',
      },
      {
        direction: 'ingress',
        protocol: 'any',
        remoteIpPrefix: cluster.spec.network.podsCidr,
        description: 'pods of other nodes (routed by the cluster router)',
      },
    ],
    master: [
      tcp(API_PORT, API_PORT, 'Kubernetes API from the load balancer', { remoteIpPrefix: subnet }),
      tcp(2379, 2380, 'etcd between masters', { remoteGroupId: ids.master }),
      tcp(10257, 10259, 'controller-manager and scheduler health', { remoteGroupId: ids.master }),
    ],
    minion: [
      {
        direction: 'ingress',
        protocol: 'any',
        remoteGroupId: ids.minion,
        description: 'between worker groups',
      },
      tcp(30000, 32767, 'NodePorts from load balancers', { remoteIpPrefix: subnet }),
      tcp(10250, 10250, 'kubelet from masters', { remoteGroupId: ids.master }),
    ],
  };
}

export async function reconcileSecurityGroups(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const groups = {} as Record<GroupKind, SecurityGroup>;
  for (const kind of ['base', 'master', 'minion'] as const) {
    groups[kind] = await provider.securityGroups.create(
      {
        name: names.securityGroup(cluster, kind),
        tags: roleTags(cluster, `sg-${kind}`),
        description: `Berth ${kind} rules of ${cluster.metadata.name}`,
      },
      signal,
    );
  }
  const ids: Ids = { base: groups.base.id, master: groups.master.id, minion: groups.minion.id };
  const desired = desiredRules(cluster, ids);
  for (const kind of ['base', 'master', 'minion'] as const) {
    await syncRules(provider, groups[kind], desired[kind], signal);
  }
  pass.securityGroupIds = ids;
  condition(
    pass,
    ClusterConditions.securityGroups,
    'True',
    'RulesApplied',
    'base, master and minion groups in place',
  );
}

async function syncRules(
  provider: InfraProvider,
  group: SecurityGroup,
  desired: DesiredRule[],
  signal: AbortSignal,
): Promise<void> {
  const ingress = group.rules.filter((r) => r.direction === 'ingress');
  for (const rule of desired) {
    if (!ingress.some((r) => sameRule(r, rule))) {
      await provider.securityGroups.addRule({ ...rule, securityGroupId: group.id }, signal);
    }
  }
  for (const rule of ingress) {
    if (!desired.some((d) => sameRule(rule, d))) {
      await provider.securityGroups.deleteRule({ id: rule.id }, signal);
    }
  }
}

function sameRule(actual: DesiredRuleLike, wanted: DesiredRule): boolean {
  return (
    actual.protocol === wanted.protocol &&
    (actual.portRangeMin ?? null) === (wanted.portRangeMin ?? null) &&
    (actual.portRangeMax ?? null) === (wanted.portRangeMax ?? null) &&
    (actual.remoteIpPrefix ?? null) === (wanted.remoteIpPrefix ?? null) &&
    (actual.remoteGroupId ?? null) === (wanted.remoteGroupId ?? null)
  );
}

interface DesiredRuleLike {
  protocol: string;
  portRangeMin?: number | null;
  portRangeMax?: number | null;
  remoteIpPrefix?: string | null;
  remoteGroupId?: string | null;
}

export async function deleteSecurityGroups(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  for (const kind of ['minion', 'master', 'base'] as const) {
    const group = await provider.securityGroups.find(
      { name: names.securityGroup(cluster, kind), tags: roleTags(cluster, `sg-${kind}`) },
      signal,
    );
    if (group !== undefined) await provider.securityGroups.delete({ id: group.id }, signal);
  }
}
