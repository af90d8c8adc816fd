/** Row-level helpers for node groups, shared by the cluster and node group repositories. */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import {
  API_VERSION,
  NODE_GROUP_INITIAL_STATUS,
  type ClusterNodeGroup,
  type Labels,
  type NodeGroup,
  type NodeGroupSpec,
  type NodeGroupStatus,
} from '@berth/api-types';
import type { NodeGroupsTable } from './database.js';
import { decodeRow, metaOf, type DecodedRow } from './object-rows.js';
import type { ChangeType, Executor, WriteContext } from './session.js';

export type NodeGroupRow = DecodedRow<NodeGroupSpec, NodeGroupStatus> & {
  cluster: string;
  clusterUid: string;
};

export function decodeNodeGroup(raw: Selectable<NodeGroupsTable>): NodeGroupRow {
  const row = decodeRow<NodeGroupSpec, NodeGroupStatus>(raw);
  // Groups stored before `runtime` existed ran kwok: they are simulated, as they always were.
  row.spec.runtime ??= 'simulated';
  return { ...row, cluster: raw.cluster, clusterUid: raw.cluster_uid };
}

export function renderNodeGroup(row: NodeGroupRow): NodeGroup {
  return {
    apiVersion: API_VERSION,
    kind: 'NodeGroup',
    metadata: { ...metaOf(row), cluster: row.cluster },
    spec: row.spec,
    status: row.status,
  };
}

/** A node group as it appears in its cluster's `spec.nodeGroups`. */
export function asClusterNodeGroup(row: NodeGroupRow): ClusterNodeGroup {
  return { name: row.name, ...row.spec };
}

export interface NewNodeGroup {
  name: string;
  labels?: Labels;
  spec: NodeGroupSpec;
  status?: NodeGroupStatus;
  finalizers?: string[];
}

/** Inserts one node group row under a fresh version and records the change. */
export async function insertNodeGroup(
  ctx: WriteContext,
  cluster: { project: string; name: string; uid: string },
  input: NewNodeGroup,
): Promise<NodeGroupRow> {
  const version = await ctx.nextVersion();
  const status = input.status ?? NODE_GROUP_INITIAL_STATUS;
  const row: NodeGroupRow = {
    uid: randomUUID(),
    project: cluster.project,
    cluster: cluster.name,
    clusterUid: cluster.uid,
    name: input.name,
    generation: 1,
    resourceVersion: version,
    labels: input.labels ?? {},
    spec: input.spec,
    status,
    finalizers: input.finalizers ?? [],
    createdAt: ctx.now,
    deletionRequestedAt: undefined,
  };
  await ctx.db
    .insertInto('node_groups')
    .values({
      uid: row.uid,
      project: row.project,
      cluster: row.cluster,
      cluster_uid: row.clusterUid,
      name: row.name,
      generation: row.generation,
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
  await ctx.recordChange(nodeGroupChange(row, version, 'upsert'));
  return row;
}

export function nodeGroupChange(row: NodeGroupRow, id: number, type: ChangeType) {
  return {
    id,
    kind: 'NodeGroup' as const,
    type,
    project: row.project,
    cluster: row.cluster,
    name: row.name,
    uid: row.uid,
  };
}

/** Live (not deletion-requested) node groups of the given clusters, by cluster uid, name order. */
export async function liveGroupsByCluster(
  db: Executor,
  clusterUids: readonly string[],
): Promise<Map<string, NodeGroupRow[]>> {
  const byCluster = new Map<string, NodeGroupRow[]>();
  if (clusterUids.length === 0) return byCluster;
  const rows = await db
    .selectFrom('node_groups')
    .selectAll()
    .where('cluster_uid', 'in', clusterUids)
    .where('deletion_requested_at', 'is', null)
    .orderBy('name')
    .execute();
  for (const raw of rows) {
    const row = decodeNodeGroup(raw);
    const list = byCluster.get(row.clusterUid) ?? [];
    list.push(row);
    byCluster.set(row.clusterUid, list);
  }
  return byCluster;
}
