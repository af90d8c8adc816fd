/** Row-level helpers for node groups: lookups by key, conditional writes, final removal. */
import type { NodeGroup, NodeGroupSpec, NodeGroupStatus } from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import { loadCluster, touchCluster, type ClusterKey, type Removal } from './cluster-rows.js';
import { applyColumns, changeTypeOf, columnsFor, writeColumns } from './object-rows.js';
import {
  decodeNodeGroup,
  nodeGroupChange,
  renderNodeGroup,
  type NodeGroupRow,
} from './node-group-rows.js';
import { removeNodeGroup } from './removal.js';
import type { Executor, WriteContext } from './session.js';

export interface NodeGroupKey {
  project: string;
  cluster: string;
  name: string;
}

export function alreadyExists(cluster: ClusterKey, name: string): BerthError {
  return new BerthError(
    'BERTH_ERR_ALREADY_EXISTS',
    `node group "${name}" already exists in cluster "${cluster.name}"`,
    {
      field: 'metadata.name',
    },
  );
}

export async function groupsOf(db: Executor, clusterUid: string): Promise<NodeGroupRow[]> {
  const rows = await db
    .selectFrom('node_groups')
    .selectAll()
    .where('cluster_uid', '=', clusterUid)
    .orderBy('name')
    .execute();
  return rows.map(decodeNodeGroup);
}

export async function loadNodeGroup(
  db: Executor,
  key: NodeGroupKey,
): Promise<NodeGroupRow | undefined> {
  const raw = await db
    .selectFrom('node_groups')
    .innerJoin('clusters', 'clusters.uid', 'node_groups.cluster_uid')
    .selectAll('node_groups')
    .where('clusters.project', '=', key.project)
    .where('clusters.name', '=', key.cluster)
    .where('node_groups.name', '=', key.name)
    .executeTakeFirst();
  return raw && decodeNodeGroup(raw);
}

export async function requireNodeGroupRow(db: Executor, key: NodeGroupKey): Promise<NodeGroupRow> {
  const row = await loadNodeGroup(db, key);
  if (row) return row;
  if (!(await loadCluster(db, { project: key.project, name: key.cluster }))) {
    throw errors.notFound('Cluster', key.cluster);
  }
  throw errors.notFound('NodeGroup', key.name);
}

type GroupRowChanges = Parameters<typeof columnsFor<NodeGroupSpec, NodeGroupStatus>>[1];

export async function writeGroup(
  ctx: WriteContext,
  row: NodeGroupRow,
  changes: GroupRowChanges,
): Promise<NodeGroupRow> {
  const columns = columnsFor(row, changes);
  if (!columns) return row;
  const version = await writeColumns(ctx, 'node_groups', row.uid, columns);
  await ctx.recordChange(nodeGroupChange(row, version, changeTypeOf(columns)));
  const rendersDifferently =
    columns.spec !== undefined || columns.deletion_requested_at !== undefined;
  if (rendersDifferently) await touchCluster(ctx, row.clusterUid, true);
  return {
    ...applyColumns(row, columns, version),
    cluster: row.cluster,
    clusterUid: row.clusterUid,
  };
}

export async function finishNodeGroupWrite(
  ctx: WriteContext,
  row: NodeGroupRow,
): Promise<Removal<NodeGroup>> {
  const object = renderNodeGroup(row);
  if (row.deletionRequestedAt === undefined || row.finalizers.length > 0)
    return { object, removed: false };
  await removeNodeGroup(ctx, row);
  await touchCluster(ctx, row.clusterUid, false);
  return { object, removed: true };
}
