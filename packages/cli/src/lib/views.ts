/** What `-o table` shows for each kind: the columns and how each is read from an object. */
import type {
  Cluster,
  ClusterEvent,
  ClusterNode,
  InfraVolume,
  NodeGroup,
  Operation,
  Project,
  Token,
  VersionItem,
} from '@berth/api-types';
import type { ClusterAddonView } from '@berth/client';
import { age, cell } from './table.js';

export interface View<T> {
  headers: string[];
  row: (item: T, now: Date) => string[];
}

export const clusterView: View<Cluster> = {
  headers: ['NAME', 'PHASE', 'VERSION', 'MASTERS', 'NODES', 'ENDPOINT', 'AGE'],
  row: (c, now) => [
    c.metadata.name,
    cell(c.metadata.deletionRequestedAt ? 'Deleting' : c.status?.phase),
    cell(c.status?.version ?? c.spec.version),
    cell(c.spec.controlPlane?.count),
    cell((c.spec.nodeGroups ?? []).reduce((sum, g) => sum + (g.count ?? 0), 0)),
    cell(c.status?.apiEndpoint),
    age(c.metadata.createdAt, now),
  ],
};

/** `1-5`, with the autoscaler's backoff when it has one (`0-3 Backoff: ProviderQuota`). */
function autoscaleCell(g: NodeGroup): string {
  if (!g.spec.autoscaling?.enabled) return 'off';
  const bounds = `${g.spec.autoscaling.min}-${g.spec.autoscaling.max}`;
  const backoff = g.status?.autoscaler?.backoff;
  return backoff ? `${bounds} Backoff: ${backoff.errorCode}` : bounds;
}

export const nodeGroupView: View<NodeGroup> = {
  headers: ['NAME', 'PHASE', 'VERSION', 'FLAVOR', 'ZONE', 'READY', 'AUTOSCALE', 'AGE'],
  row: (g, now) => [
    g.metadata.name,
    cell(g.status?.phase),
    // What the nodes run; a pinned group shows its own version while it moves to it.
    cell(
      g.spec.version !== undefined && g.status?.version !== g.spec.version
        ? `${g.status?.version ?? '-'}→${g.spec.version}`
        : g.status?.version,
    ),
    cell(g.spec.flavor),
    cell(g.spec.zone),
    `${g.status?.readyReplicas ?? 0}/${g.spec.count}`,
    autoscaleCell(g),
    age(g.metadata.createdAt, now),
  ],
};

export const nodeView: View<ClusterNode> = {
  headers: ['NAME', 'ROLE', 'GROUP', 'SERVER', 'READY', 'FLAVOR', 'ZONE', 'ADDRESSES', 'AGE'],
  row: (n, now) => [
    n.name,
    n.role,
    cell(n.nodeGroup),
    cell(n.serverStatus),
    cell(n.kubernetes?.ready),
    cell(n.flavor),
    cell(n.zone),
    cell(n.addresses.join(',')),
    age(n.createdAt, now),
  ],
};

export const tokenView: View<Token> = {
  headers: ['ID', 'NAME', 'ROLE', 'PROJECT', 'PREFIX', 'EXPIRES', 'AGE'],
  row: (t, now) => [
    t.id,
    cell(t.name),
    t.role,
    cell(t.project ?? '*'),
    cell(t.prefix),
    cell(t.expiresAt),
    age(t.createdAt, now),
  ],
};

export const projectView: View<Project> = {
  headers: ['NAME', 'DESCRIPTION', 'AGE'],
  row: (p, now) => [p.metadata.name, cell(p.spec?.description), age(p.metadata.createdAt, now)],
};

export const versionView: View<VersionItem> = {
  headers: ['VERSION', 'PATCH', 'DEFAULT', 'END OF SUPPORT', 'UPGRADES TO'],
  row: (v) => [
    v.version,
    v.patch,
    v.default ? 'yes' : '',
    v.endOfSupport,
    v.upgradesTo.length > 0 ? v.upgradesTo.join(',') : '-',
  ],
};

export const eventView: View<ClusterEvent> = {
  headers: ['ID', 'TIME', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  row: (e) => [
    String(e.id),
    e.time,
    e.type,
    e.reason,
    e.object ? `${e.object.kind}/${e.object.name}` : '-',
    cell(e.message),
  ],
};

export const operationView: View<Operation> = {
  headers: ['ID', 'KIND', 'TARGET', 'PHASE', 'PROGRESS', 'MESSAGE', 'AGE'],
  row: (o, now) => [
    o.id,
    o.kind,
    `${o.target.kind}/${o.target.name}`,
    o.phase,
    `${o.progress}%`,
    cell(o.error?.detail ?? o.message),
    age(o.createdAt, now),
  ],
};

export const conditionView: View<NonNullable<Cluster['status']>['conditions'][number]> = {
  headers: ['CONDITION', 'STATUS', 'REASON', 'MESSAGE', 'SINCE'],
  row: (c, now) => [
    c.type,
    c.status,
    cell(c.reason),
    cell(c.message),
    age(c.lastTransitionTime, now),
  ],
};

export const volumeView: View<InfraVolume> = {
  headers: ['NAME', 'CLUSTER', 'PURPOSE', 'STATE', 'TYPE', 'SIZE', 'ZONE', 'PVC', 'NODE', 'AGE'],
  row: (v, now) => [
    v.name,
    cell(v.cluster),
    v.purpose,
    v.state,
    v.volumeType,
    `${v.sizeGb}Gi`,
    v.zone,
    v.pvc ? `${v.pvc.namespace}/${v.pvc.name}` : '-',
    cell(v.node?.name ?? v.node?.serverId),
    age(typeof v.attributes.createdAt === 'string' ? v.attributes.createdAt : undefined, now),
  ],
};

/** An addon of a cluster: what was asked for and what the addon controller found. */
export const addonView: View<ClusterAddonView> = {
  headers: ['NAME', 'VERSION', 'PHASE', 'SETTINGS', 'MESSAGE'],
  row: (a) => [
    a.name,
    cell(a.status?.version ?? a.version),
    cell(a.status?.phase ?? 'Pending'),
    Object.entries(a.config ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '-',
    cell(a.status?.message),
  ],
};
