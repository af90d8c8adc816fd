/**
 * Row-level helpers for clusters: loading, inserting, writing under a fresh version, rendering
 * with the live node groups, and final removal once no finalizer remains.
 */
import { randomUUID } from 'node:crypto';
import {
  API_VERSION,
  applyAutoscalerDefaults,
  CLUSTER_INITIAL_STATUS,
  type Cluster,
  type ClusterSpec,
  type ClusterStatus,
  type Labels,
} from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import {
  applyColumns,
  changeTypeOf,
  columnsFor,
  decodeRow,
  metaOf,
  writeColumns,
  type DecodedRow,
} from './object-rows.js';
import { asClusterNodeGroup, liveGroupsByCluster } from './node-group-rows.js';
import { removeCluster } from './removal.js';
import type { ChangeType, Executor, WriteContext } from './session.js';

export interface ClusterKey {
  project: string;
  name: string;
}

/** A cluster's spec as stored on its own row: node groups are separate objects. */
export type ClusterOwnSpec = Omit<ClusterSpec, 'nodeGroups'>;
export type ClusterRow = DecodedRow<ClusterOwnSpec, ClusterStatus>;

export interface NewCluster {
  project: string;
  name: string;
  labels?: Labels;
  /** Full spec; each `spec.nodeGroups` entry becomes a NodeGroup object. */
  spec: ClusterSpec;
  status?: ClusterStatus;
  finalizers?: string[];
  /** Finalizers of the node groups created from `spec.nodeGroups`. */
  nodeGroupFinalizers?: string[];
}

/** Result of a write that may have removed the object (deletion requested, no finalizers left). */
export interface Removal<T> {
  object: T;
  removed: boolean;
}

export function ownSpec(spec: ClusterOwnSpec | ClusterSpec): ClusterOwnSpec {
  const { nodeGroups: _groups, ...own } = spec as ClusterSpec;
  return own;
}

export function alreadyExists(key: ClusterKey): BerthError {
  return new BerthError(
    'BERTH_ERR_ALREADY_EXISTS',
    `cluster "${key.name}" already exists in project "${key.project}"`,
    {
      field: 'metadata.name',
    },
  );
}

export async function loadCluster(db: Executor, key: ClusterKey): Promise<ClusterRow | undefined> {
  const raw = await db
    .selectFrom('clusters')
    .selectAll()
    .where('project', '=', key.project)
    .where('name', '=', key.name)
    .executeTakeFirst();
  return raw && decodeRow<ClusterOwnSpec, ClusterStatus>(raw);
}

export async function requireClusterRow(db: Executor, key: ClusterKey): Promise<ClusterRow> {
  const row = await loadCluster(db, key);
  if (!row) throw errors.notFound('Cluster', key.name);
  return row;
}

export async function insertCluster(ctx: WriteContext, input: NewCluster): Promise<ClusterRow> {
  const version = await ctx.nextVersion();
  const status = input.status ?? CLUSTER_INITIAL_STATUS;
  const row: ClusterRow = {
    uid: randomUUID(),
    project: input.project,
    name: input.name,
    generation: 1,
    resourceVersion: version,
    labels: input.labels ?? {},
    spec: ownSpec(input.spec),
    status,
    finalizers: input.finalizers ?? [],
    createdAt: ctx.now,
    deletionRequestedAt: undefined,
  };
  await ctx.db
    .insertInto('clusters')
    .values({
      uid: row.uid,
      project: row.project,
      name: row.name,
      generation: 1,
      resource_version: version,
      labels: JSON.stringify(row.labels),
      spec: JSON.stringify(row.spec),
      status: JSON.stringify(status),
      phase: status.phase,
      finalizers: JSON.stringify(row.finalizers),
      created_at: row.createdAt,
      deletion_requested_at: null,
    })
    .execute();
  await ctx.recordChange(clusterChange(row, version, 'upsert'));
  return row;
}

function clusterChange(row: ClusterRow, id: number, type: ChangeType) {
  return { id, kind: 'Cluster' as const, type, project: row.project, name: row.name, uid: row.uid };
}

type ClusterRowChanges = Parameters<typeof columnsFor<ClusterOwnSpec, ClusterStatus>>[1];

export async function writeCluster(
  ctx: WriteContext,
  row: ClusterRow,
  changes: ClusterRowChanges,
): Promise<ClusterRow> {
  const columns = columnsFor(row, changes);
  if (!columns) return row;
  const version = await writeColumns(ctx, 'clusters', row.uid, columns);
  await ctx.recordChange(clusterChange(row, version, changeTypeOf(columns)));
  return applyColumns(row, columns, version);
}

/**
 * Moves a cluster's version (and generation, when its node groups' specs changed) because a node
 * group changed what the cluster renders.
 */
export async function touchCluster(
  ctx: WriteContext,
  uid: string,
  specChanged: boolean,
): Promise<void> {
  const raw = await ctx.db
    .selectFrom('clusters')
    .selectAll()
    .where('uid', '=', uid)
    .executeTakeFirst();
  if (!raw) return;
  const row = decodeRow<ClusterOwnSpec, ClusterStatus>(raw);
  const columns = specChanged ? { generation: row.generation + 1 } : {};
  const version = await writeColumns(ctx, 'clusters', uid, columns);
  await ctx.recordChange(clusterChange(row, version, 'upsert'));
}

export async function finishClusterWrite(
  ctx: WriteContext,
  row: ClusterRow,
): Promise<Removal<Cluster>> {
  const object = await renderClusterRow(ctx.db, row);
  if (row.deletionRequestedAt === undefined || row.finalizers.length > 0)
    return { object, removed: false };
  await removeCluster(ctx, row);
  return { object, removed: true };
}

export function renderCluster(
  row: ClusterRow,
  groups: ReturnType<typeof asClusterNodeGroup>[],
): Cluster {
  return {
    apiVersion: API_VERSION,
    kind: 'Cluster',
    metadata: metaOf(row),
    spec: {
      ...row.spec,
      // Clusters stored before the autoscaler settings existed get upstream's defaults.
      autoscaler: applyAutoscalerDefaults((row.spec as Partial<ClusterOwnSpec>).autoscaler),
      nodeGroups: groups,
    },
    status: row.status,
  };
}

export async function renderClusterRow(db: Executor, row: ClusterRow): Promise<Cluster> {
  return (await renderClusterRows(db, [row]))[0]!;
}

export async function renderClusterRows(db: Executor, rows: ClusterRow[]): Promise<Cluster[]> {
  const groups = await liveGroupsByCluster(
    db,
    rows.map((r) => r.uid),
  );
  return rows.map((row) => renderCluster(row, (groups.get(row.uid) ?? []).map(asClusterNodeGroup)));
}
