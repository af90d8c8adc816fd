/**
 * Clusters. A cluster's node groups live in their own rows; every Cluster this repository returns
 * has `spec.nodeGroups` rendered from its live (not deletion-requested) node groups, and the
 * cluster's resourceVersion and generation move whenever those node groups' specs change.
 */
import { randomUUID } from 'node:crypto';
import {
  API_VERSION,
  CLUSTER_INITIAL_STATUS,
  type Cluster,
  type ClusterSpec,
  type ClusterStatus,
  type Labels,
} from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import {
  applyColumns,
  checkVersion,
  columnsFor,
  decodeRow,
  isUniqueViolation,
  metaOf,
  writeColumns,
  type DecodedRow,
  type StatusUpdate,
  type WriteOptions,
} from './object-rows.js';
import {
  asClusterNodeGroup,
  insertNodeGroup,
  liveGroupsByCluster,
  type NewNodeGroup,
} from './node-group-rows.js';
import { decodeContinue, pageLimit, toPage, type Page, type PageRequest } from './page.js';
import { removeCluster } from './removal.js';
import type { Executor, Session, WriteContext } from './session.js';

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

export interface ClusterChanges {
  /** New spec; `nodeGroups` is ignored here (change node groups through `store.nodeGroups`). */
  spec?: ClusterOwnSpec | ClusterSpec;
  labels?: Labels;
  status?: StatusUpdate<ClusterStatus>;
}

/** Result of a write that may have removed the object (deletion requested, no finalizers left). */
export interface Removal<T> {
  object: T;
  removed: boolean;
}

function ownSpec(spec: ClusterOwnSpec | ClusterSpec): ClusterOwnSpec {
  const { nodeGroups: _groups, ...own } = spec as ClusterSpec;
  return own;
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
      return render(ctx.db, row);
    });
  }

  async get(key: ClusterKey): Promise<Cluster | undefined> {
    return this.#session.read(async (db) => {
      const row = await loadCluster(db, key);
      return row && render(db, row);
    });
  }

  async getByUid(uid: string): Promise<Cluster | undefined> {
    return this.#session.read(async (db) => {
      const raw = await db
        .selectFrom('clusters')
        .selectAll()
        .where('uid', '=', uid)
        .executeTakeFirst();
      return raw && render(db, decodeRow(raw));
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
      return { ...page, items: await renderMany(db, page.items) };
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
      const row = await requireRow(ctx.db, key);
      checkVersion('Cluster', row, options);
      const next = await writeCluster(ctx, row, {
        ...changes,
        spec: changes.spec === undefined ? undefined : ownSpec(changes.spec),
      });
      return render(ctx.db, next);
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
      const row = await requireRow(ctx.db, key);
      checkVersion('Cluster', row, options);
      const next = await writeCluster(ctx, row, { ...changes, deletionRequestedAt: ctx.now });
      return finishWrite(ctx, next);
    });
  }

  async addFinalizer(key: ClusterKey, finalizer: string): Promise<Cluster> {
    return this.#session.write(async (ctx) => {
      const row = await requireRow(ctx.db, key);
      if (row.finalizers.includes(finalizer)) return render(ctx.db, row);
      if (row.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `cluster "${key.name}" is being deleted; no new finalizers`,
        );
      }
      return render(
        ctx.db,
        await writeCluster(ctx, row, { finalizers: [...row.finalizers, finalizer] }),
      );
    });
  }

  /** Removes a finalizer; removes the cluster when deletion was requested and none remain. */
  async removeFinalizer(key: ClusterKey, finalizer: string): Promise<Removal<Cluster>> {
    return this.#session.write(async (ctx) => {
      const row = await requireRow(ctx.db, key);
      const next = await writeCluster(ctx, row, {
        finalizers: row.finalizers.filter((f) => f !== finalizer),
      });
      return finishWrite(ctx, next);
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

function alreadyExists(key: ClusterKey): BerthError {
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

async function requireRow(db: Executor, key: ClusterKey): Promise<ClusterRow> {
  const row = await loadCluster(db, key);
  if (!row) throw errors.notFound('Cluster', key.name);
  return row;
}

async function insertCluster(ctx: WriteContext, input: NewCluster): Promise<ClusterRow> {
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

function clusterChange(row: ClusterRow, id: number, type: 'upsert' | 'delete') {
  return { id, kind: 'Cluster' as const, type, project: row.project, name: row.name, uid: row.uid };
}

type ClusterRowChanges = Parameters<typeof columnsFor<ClusterOwnSpec, ClusterStatus>>[1];

async function writeCluster(
  ctx: WriteContext,
  row: ClusterRow,
  changes: ClusterRowChanges,
): Promise<ClusterRow> {
  const columns = columnsFor(row, changes);
  if (!columns) return row;
  const version = await writeColumns(ctx, 'clusters', row.uid, columns);
  await ctx.recordChange(clusterChange(row, version, 'upsert'));
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

async function finishWrite(ctx: WriteContext, row: ClusterRow): Promise<Removal<Cluster>> {
  const object = await render(ctx.db, row);
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
    spec: { ...row.spec, nodeGroups: groups },
    status: row.status,
  };
}

async function render(db: Executor, row: ClusterRow): Promise<Cluster> {
  return (await renderMany(db, [row]))[0]!;
}

async function renderMany(db: Executor, rows: ClusterRow[]): Promise<Cluster[]> {
  const groups = await liveGroupsByCluster(
    db,
    rows.map((r) => r.uid),
  );
  return rows.map((row) => renderCluster(row, (groups.get(row.uid) ?? []).map(asClusterNodeGroup)));
}
