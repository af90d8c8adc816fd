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
import { loadCluster, touchCluster, type ClusterKey, type Removal } from './cluster-rows.js';
import {
  checkVersion,
  isUniqueViolation,
  type StatusUpdate,
  type WriteOptions,
} from './object-rows.js';
import {
  decodeNodeGroup,
  insertNodeGroup,
  renderNodeGroup,
  type NewNodeGroup,
} from './node-group-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import type { Session } from './session.js';
import {
  alreadyExists,
  finishNodeGroupWrite,
  groupsOf,
  loadNodeGroup,
  requireNodeGroupRow,
  writeGroup,
  type NodeGroupKey,
} from './node-group-writes.js';

export type { NodeGroupKey } from './node-group-writes.js';

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
    return this.#session.read(async (db) => renderNodeGroup(await requireNodeGroupRow(db, key)));
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
      const row = await requireNodeGroupRow(ctx.db, key);
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
      const row = await requireNodeGroupRow(ctx.db, key);
      checkVersion('NodeGroup', row, options);
      const next = await writeGroup(ctx, row, { ...changes, deletionRequestedAt: ctx.now });
      return finishNodeGroupWrite(ctx, next);
    });
  }

  async addFinalizer(key: NodeGroupKey, finalizer: string): Promise<NodeGroup> {
    return this.#session.write(async (ctx) => {
      const row = await requireNodeGroupRow(ctx.db, key);
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
      const row = await requireNodeGroupRow(ctx.db, key);
      const next = await writeGroup(ctx, row, {
        finalizers: row.finalizers.filter((f) => f !== finalizer),
      });
      return finishNodeGroupWrite(ctx, next);
    });
  }
}
