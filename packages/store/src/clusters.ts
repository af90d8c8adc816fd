/**
 * Clusters. A cluster's node groups live in their own rows; every Cluster this repository returns
 * has `spec.nodeGroups` rendered from its live (not deletion-requested) node groups, and the
 * cluster's resourceVersion and generation move whenever those node groups' specs change.
 */
import type { Cluster, ClusterSpec, ClusterStatus, Labels } from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import {
  alreadyExists,
  finishClusterWrite,
  insertCluster,
  loadCluster,
  ownSpec,
  renderClusterRow,
  renderClusterRows,
  requireClusterRow,
  writeCluster,
  type ClusterKey,
  type ClusterOwnSpec,
  type NewCluster,
  type Removal,
} from './cluster-rows.js';
import {
  checkVersion,
  decodeRow,
  isUniqueViolation,
  type StatusUpdate,
  type WriteOptions,
} from './object-rows.js';
import { insertNodeGroup, type NewNodeGroup } from './node-group-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import type { Session } from './session.js';

export { loadCluster, touchCluster } from './cluster-rows.js';
export type { ClusterKey, ClusterOwnSpec, NewCluster, Removal } from './cluster-rows.js';

export interface ClusterChanges {
  /** New spec; `nodeGroups` is ignored here (change node groups through `store.nodeGroups`). */
  spec?: ClusterOwnSpec | ClusterSpec;
  labels?: Labels;
  status?: StatusUpdate<ClusterStatus>;
}

export class ClusterRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Throws BERTH_ERR_ALREADY_EXISTS when the project already has a cluster of that name. */
  async create(input: NewCluster): Promise<Cluster> {
    return this.#session.write(async (ctx) => {
      if (await loadCluster(ctx.db, input)) throw alreadyExists(input);
      const row = await insertCluster(ctx, input).catch((err: unknown) => {
        throw isUniqueViolation(err) ? alreadyExists(input) : err;
      });
      for (const group of input.spec.nodeGroups) {
        const { name, ...spec } = group;
        const ng: NewNodeGroup = { name, spec, finalizers: input.nodeGroupFinalizers };
        await insertNodeGroup(ctx, row, ng);
      }
      return renderClusterRow(ctx.db, row);
    });
  }

  async get(key: ClusterKey): Promise<Cluster | undefined> {
    return this.#session.read(async (db) => {
      const row = await loadCluster(db, key);
      return row && renderClusterRow(db, row);
    });
  }

  async getByUid(uid: string): Promise<Cluster | undefined> {
    return this.#session.read(async (db) => {
      const raw = await db
        .selectFrom('clusters')
        .selectAll()
        .where('uid', '=', uid)
        .executeTakeFirst();
      return raw && renderClusterRow(db, decodeRow(raw));
    });
  }

  /** Like `get`, but throws BERTH_ERR_CLUSTER_NOT_FOUND. */
  async require(key: ClusterKey): Promise<Cluster> {
    const cluster = await this.get(key);
    if (!cluster) throw errors.notFound('Cluster', key.name);
    return cluster;
  }

  /** One page of a project's clusters in name order. */
  async list(project: string, request: PageRequest = {}): Promise<Page<Cluster>> {
    const limit = pageLimit(request);
    const after = decodeContinue(request.continue);
    return this.#session.read(async (db) => {
      let query = db.selectFrom('clusters').selectAll().where('project', '=', project);
      if (after !== undefined) query = query.where('name', '>', after);
      const raws = await query
        .orderBy('name')
        .limit(limit + 1)
        .execute();
      const page = toPage(
        raws.map((r) => decodeRow<ClusterOwnSpec, ClusterStatus>(r)),
        limit,
        (r) => r.name,
      );
      return { ...page, items: await renderClusterRows(db, page.items) };
    });
  }

  /** Every cluster of every project (keys only), for controllers' periodic resync. */
  async listKeys(): Promise<Array<ClusterKey & { uid: string }>> {
    return this.#session.read((db) =>
      db
        .selectFrom('clusters')
        .select(['project', 'name', 'uid'])
        .orderBy('project')
        .orderBy('name')
        .execute(),
    );
  }

  /**
   * A cheap fingerprint of a project's cluster collection: it changes whenever any cluster of the
   * project is written, created or removed (max version plus count; versions never repeat).
   */
  async collectionVersion(project: string): Promise<string> {
    return this.#session.read(async (db) => {
      const row = await db
        .selectFrom('clusters')
        .select((eb) => [eb.fn.max('resource_version').as('max'), eb.fn.countAll().as('count')])
        .where('project', '=', project)
        .executeTakeFirstOrThrow();
      return `${Number(row.max ?? 0)}.${Number(row.count)}`;
    });
  }

  /** Changes spec (bumps generation if it differs), labels and/or status in one write. */
  async update(
    key: ClusterKey,
    changes: ClusterChanges,
    options: WriteOptions = {},
  ): Promise<Cluster> {
    return this.#session.write(async (ctx) => {
      const row = await requireClusterRow(ctx.db, key);
      checkVersion('Cluster', row, options);
      const next = await writeCluster(ctx, row, {
        ...changes,
        spec: changes.spec === undefined ? undefined : ownSpec(changes.spec),
      });
      return renderClusterRow(ctx.db, next);
    });
  }

  /** The controllers' path: status only, never bumps generation. */
  async updateStatus(
    key: ClusterKey,
    status: StatusUpdate<ClusterStatus>,
    options: WriteOptions = {},
  ): Promise<Cluster> {
    return this.update(key, { status }, options);
  }

  /**
   * Marks the cluster for deletion (`metadata.deletionRequestedAt`), optionally updating status in
   * the same write. Without finalizers the cluster, its node groups and events go at once.
   */
  async requestDeletion(
    key: ClusterKey,
    changes: { status?: StatusUpdate<ClusterStatus> } = {},
    options: WriteOptions = {},
  ): Promise<Removal<Cluster>> {
    return this.#session.write(async (ctx) => {
      const row = await requireClusterRow(ctx.db, key);
      checkVersion('Cluster', row, options);
      const next = await writeCluster(ctx, row, { ...changes, deletionRequestedAt: ctx.now });
      return finishClusterWrite(ctx, next);
    });
  }

  async addFinalizer(key: ClusterKey, finalizer: string): Promise<Cluster> {
    return this.#session.write(async (ctx) => {
      const row = await requireClusterRow(ctx.db, key);
      if (row.finalizers.includes(finalizer)) return renderClusterRow(ctx.db, row);
      if (row.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `cluster "${key.name}" is being deleted; no new finalizers`,
        );
      }
      return renderClusterRow(
        ctx.db,
        await writeCluster(ctx, row, { finalizers: [...row.finalizers, finalizer] }),
      );
    });
  }

  /** Removes a finalizer; removes the cluster when deletion was requested and none remain. */
  async removeFinalizer(key: ClusterKey, finalizer: string): Promise<Removal<Cluster>> {
    return this.#session.write(async (ctx) => {
      const row = await requireClusterRow(ctx.db, key);
      const next = await writeCluster(ctx, row, {
        finalizers: row.finalizers.filter((f) => f !== finalizer),
      });
      return finishClusterWrite(ctx, next);
    });
  }

  /** Number of clusters in each phase, over all projects (for the metrics gauge). */
  async countByPhase(): Promise<Record<string, number>> {
    return this.#session.read(async (db) => {
      const rows = await db
        .selectFrom('clusters')
        .select((eb) => ['phase', eb.fn.countAll().as('count')])
        .groupBy('phase')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.phase, Number(r.count)]));
    });
  }
}
