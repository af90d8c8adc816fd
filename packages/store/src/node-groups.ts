/**
 * Node groups of a cluster. Writes that change what the cluster renders in `spec.nodeGroups`
 * (create, spec change, deletion request) also bump the cluster's generation and version; status
 * writes touch only the node group.
 */
import {
  LIMITS,
  type Labels,
  type NodeGroup,
  type NodeGroupSpec,
  type NodeGroupStatus,
} from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import { loadCluster, touchCluster, type ClusterKey, type Removal } from './clusters.js';
import {
  applyColumns,
  checkVersion,
  columnsFor,
  isUniqueViolation,
  writeColumns,
  type StatusUpdate,
  type WriteOptions,
} from './object-rows.js';
import {
  decodeNodeGroup,
  insertNodeGroup,
  nodeGroupChange,
  renderNodeGroup,
  type NewNodeGroup,
  type NodeGroupRow,
} from './node-group-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import { removeNodeGroup } from './removal.js';
import type { Executor, Session, WriteContext } from './session.js';

export interface NodeGroupKey {
  project: string;
  cluster: string;
  name: string;
}

export interface NodeGroupChanges {
  spec?: NodeGroupSpec;
  labels?: Labels;
  status?: StatusUpdate<NodeGroupStatus>;
}

export type { NewNodeGroup };

export class NodeGroupRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /**
   * Throws BERTH_ERR_CLUSTER_NOT_FOUND, BERTH_ERR_INVALID_STATE (cluster being deleted),
   * BERTH_ERR_QUOTA_EXCEEDED (50 groups) or BERTH_ERR_ALREADY_EXISTS.
   */
  async create(cluster: ClusterKey, input: NewNodeGroup): Promise<NodeGroup> {
    return this.#session.write(async (ctx) => {
      const owner = await loadCluster(ctx.db, cluster);
      if (!owner) throw errors.notFound('Cluster', cluster.name);
      if (owner.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `cluster "${cluster.name}" is being deleted`,
        );
      }
      const existing = await groupsOf(ctx.db, owner.uid);
      if (existing.some((g) => g.name === input.name)) throw alreadyExists(cluster, input.name);
      if (existing.length >= LIMITS.maxNodeGroupsPerCluster) {
        throw new BerthError(
          'BERTH_ERR_QUOTA_EXCEEDED',
          `cluster "${cluster.name}" already has ${existing.length} node groups (limit ${LIMITS.maxNodeGroupsPerCluster})`,
        );
      }
      const row = await insertNodeGroup(ctx, owner, input).catch((err: unknown) => {
        throw isUniqueViolation(err) ? alreadyExists(cluster, input.name) : err;
      });
      await touchCluster(ctx, owner.uid, true);
      return renderNodeGroup(row);
    });
  }

  async get(key: NodeGroupKey): Promise<NodeGroup | undefined> {
    return this.#session.read(async (db) => {
      const row = await loadNodeGroup(db, key);
      return row && renderNodeGroup(row);
    });
  }

  /** The node group with this uid (controllers key their work queue by uid). */
  async getByUid(uid: string): Promise<NodeGroup | undefined> {
    return this.#session.read(async (db) => {
      const raw = await db
        .selectFrom('node_groups')
        .selectAll()
        .where('uid', '=', uid)
        .executeTakeFirst();
      return raw && renderNodeGroup(decodeNodeGroup(raw));
    });
  }

  /** Like `get`, but throws BERTH_ERR_NODE_GROUP_NOT_FOUND (or CLUSTER_NOT_FOUND). */
  async require(key: NodeGroupKey): Promise<NodeGroup> {
    return this.#session.read(async (db) => renderNodeGroup(await requireRow(db, key)));
  }

  /** One page of a cluster's node groups (including those being deleted) in name order. */
  async list(cluster: ClusterKey, request: PageRequest = {}): Promise<Page<NodeGroup>> {
    const limit = pageLimit(request);
    const after = decodeContinue(request.continue);
    return this.#session.read(async (db) => {
      const owner = await loadCluster(db, cluster);
      if (!owner) throw errors.notFound('Cluster', cluster.name);
      let query = db.selectFrom('node_groups').selectAll().where('cluster_uid', '=', owner.uid);
      if (after !== undefined) query = query.where('name', '>', after);
      const rows = (
        await query
          .orderBy('name')
          .limit(limit + 1)
          .execute()
      ).map(decodeNodeGroup);
      const page = toPage(rows, limit, (r) => r.name);
      return { ...page, items: page.items.map(renderNodeGroup) };
    });
  }

  /** Every node group of a cluster, including those being deleted (for controllers). */
  async listByClusterUid(clusterUid: string): Promise<NodeGroup[]> {
    return this.#session.read(async (db) => (await groupsOf(db, clusterUid)).map(renderNodeGroup));
  }

  async update(
    key: NodeGroupKey,
    changes: NodeGroupChanges,
    options: WriteOptions = {},
  ): Promise<NodeGroup> {
    return this.#session.write(async (ctx) => {
      const row = await requireRow(ctx.db, key);
      checkVersion('NodeGroup', row, options);
      return renderNodeGroup(await writeGroup(ctx, row, changes));
    });
  }

  /** The controllers' path: status only, never bumps generation. */
  async updateStatus(
    key: NodeGroupKey,
    status: StatusUpdate<NodeGroupStatus>,
    options: WriteOptions = {},
  ): Promise<NodeGroup> {
    return this.update(key, { status }, options);
  }

  /** Marks for deletion; without finalizers the row goes at once. */
  async requestDeletion(
    key: NodeGroupKey,
    changes: { status?: StatusUpdate<NodeGroupStatus> } = {},
    options: WriteOptions = {},
  ): Promise<Removal<NodeGroup>> {
    return this.#session.write(async (ctx) => {
      const row = await requireRow(ctx.db, key);
      checkVersion('NodeGroup', row, options);
      const next = await writeGroup(ctx, row, { ...changes, deletionRequestedAt: ctx.now });
      return finishWrite(ctx, next);
    });
  }

  async addFinalizer(key: NodeGroupKey, finalizer: string): Promise<NodeGroup> {
    return this.#session.write(async (ctx) => {
      const row = await requireRow(ctx.db, key);
      if (row.finalizers.includes(finalizer)) return renderNodeGroup(row);
      if (row.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${key.name}" is being deleted; no new finalizers`,
        );
      }
      return renderNodeGroup(
        await writeGroup(ctx, row, { finalizers: [...row.finalizers, finalizer] }),
      );
    });
  }

  /** Removes a finalizer; removes the node group when deletion was requested and none remain. */
  async removeFinalizer(key: NodeGroupKey, finalizer: string): Promise<Removal<NodeGroup>> {
    return this.#session.write(async (ctx) => {
      const row = await requireRow(ctx.db, key);
      const next = await writeGroup(ctx, row, {
        finalizers: row.finalizers.filter((f) => f !== finalizer),
      });
      return finishWrite(ctx, next);
    });
  }
}

function alreadyExists(cluster: ClusterKey, name: string): BerthError {
  return new BerthError(
    'BERTH_ERR_ALREADY_EXISTS',
    `node group "${name}" already exists in cluster "${cluster.name}"`,
    {
      field: 'metadata.name',
    },
  );
}

async function groupsOf(db: Executor, clusterUid: string): Promise<NodeGroupRow[]> {
  const rows = await db
    .selectFrom('node_groups')
    .selectAll()
    .where('cluster_uid', '=', clusterUid)
    .orderBy('name')
    .execute();
  return rows.map(decodeNodeGroup);
}

async function loadNodeGroup(db: Executor, key: NodeGroupKey): Promise<NodeGroupRow | undefined> {
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

async function requireRow(db: Executor, key: NodeGroupKey): Promise<NodeGroupRow> {
  const row = await loadNodeGroup(db, key);
  if (row) return row;
  if (!(await loadCluster(db, { project: key.project, name: key.cluster }))) {
    throw errors.notFound('Cluster', key.cluster);
  }
  throw errors.notFound('NodeGroup', key.name);
}

type GroupRowChanges = Parameters<typeof columnsFor<NodeGroupSpec, NodeGroupStatus>>[1];

async function writeGroup(
  ctx: WriteContext,
  row: NodeGroupRow,
  changes: GroupRowChanges,
): Promise<NodeGroupRow> {
  const columns = columnsFor(row, changes);
  if (!columns) return row;
  const version = await writeColumns(ctx, 'node_groups', row.uid, columns);
  await ctx.recordChange(nodeGroupChange(row, version, 'upsert'));
  const rendersDifferently =
    columns.spec !== undefined || columns.deletion_requested_at !== undefined;
  if (rendersDifferently) await touchCluster(ctx, row.clusterUid, true);
  return {
    ...applyColumns(row, columns, version),
    cluster: row.cluster,
    clusterUid: row.clusterUid,
  };
}

async function finishWrite(ctx: WriteContext, row: NodeGroupRow): Promise<Removal<NodeGroup>> {
  const object = renderNodeGroup(row);
  if (row.deletionRequestedAt === undefined || row.finalizers.length > 0)
    return { object, removed: false };
  await removeNodeGroup(ctx, row);
  await touchCluster(ctx, row.clusterUid, false);
  return { object, removed: true };
}
