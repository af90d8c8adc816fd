/**
 * `openStore` — the composition of connection, migrations, repositories and change feed.
 */
import { sql } from 'kysely';
import { DEFAULT_PROJECT } from '@berth/api-types';
import { ChangeFeed } from './change-feed.js';
import { ClusterRepository } from './clusters.js';
import { connect, connectLeases, type ConnectOptions, type Dialect } from './connect.js';
import { EventRepository } from './events.js';
import { IdempotencyRepository } from './idempotency.js';
import { LeaseRepository } from './leases.js';
import { SecretRepository } from './secrets.js';
import { migrateToLatest } from './migrations/index.js';
import { NodeGroupRepository } from './node-groups.js';
import { OperationRepository } from './operations.js';
import { ProjectRepository } from './projects.js';
import { Session } from './session.js';
import { TokenRepository } from './tokens.js';
import { MemberRepository } from './members.js';
import { SessionRepository } from './sessions.js';
import { ClusterAuditRepository } from './cluster-audit.js';

export interface StoreOptions extends ConnectOptions {
  /** Epoch milliseconds; defaults to Date.now. Tests pass a fake. */
  now?: () => number;
}

/** The repositories, bound either to the pool or to one open transaction. */
export interface Repositories {
  readonly projects: ProjectRepository;
  readonly tokens: TokenRepository;
  readonly clusters: ClusterRepository;
  readonly nodeGroups: NodeGroupRepository;
  readonly operations: OperationRepository;
  readonly events: EventRepository;
  readonly idempotency: IdempotencyRepository;
  readonly leases: LeaseRepository;
  readonly secrets: SecretRepository;
  readonly members: MemberRepository;
  readonly sessions: SessionRepository;
  readonly clusterAudit: ClusterAuditRepository;
}

export interface PruneOptions {
  /** Idempotency records older than this go. Default 25 h (the API promises ≥ 24 h). */
  idempotencyMs?: number;
  /** Change-feed rows older than this go. Default 1 h. */
  changesMs?: number;
}

export interface Store extends Repositories {
  readonly dialect: Dialect;
  readonly changes: ChangeFeed;
  /**
   * Runs `fn` in one transaction: every write through `tx` commits or rolls back together, and
   * change listeners hear about them after the commit. Inside `fn` use only `tx` — calling the
   * outer store from inside would wait for the connection the transaction holds (SQLite).
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query (readiness probe). */
  ping(): Promise<void>;
  /** Deletes expired idempotency records and old change-feed rows. */
  prune(options?: PruneOptions): Promise<void>;
  close(): Promise<void>;
}

function repositories(session: Session, leases: LeaseRepository): Repositories {
  return {
    projects: new ProjectRepository(session),
    tokens: new TokenRepository(session),
    clusters: new ClusterRepository(session),
    nodeGroups: new NodeGroupRepository(session),
    operations: new OperationRepository(session),
    events: new EventRepository(session),
    idempotency: new IdempotencyRepository(session),
    leases,
    secrets: new SecretRepository(session),
    members: new MemberRepository(session),
    sessions: new SessionRepository(session),
    clusterAudit: new ClusterAuditRepository(session),
  };
}

/**
 * Connects, applies pending migrations and makes sure the `default` project exists. Throws
 * BERTH_ERR_VALIDATION for bad options and BERTH_ERR_INTERNAL when a migration fails.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const main = connect(options);
  const { db, dialect } = main;
  const now = options.now ?? Date.now;
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const changes = new ChangeFeed(db);
  const session = new Session({ db, now, emit: (batch) => changes.emit(batch) });
  const leaseDb = connectLeases(options, main);
  const leases = new LeaseRepository(new Session({ db: leaseDb, now, emit: () => undefined }));
  const repos = repositories(session, leases);
  await repos.projects.ensure({ name: DEFAULT_PROJECT, description: 'Created at first start' });
  return {
    ...repos,
    dialect,
    changes,
    transaction: (fn) => session.transaction((tx) => fn(repositories(tx, leases))),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    prune: async (prune = {}) => {
      const at = now();
      await repos.idempotency.prune(at - (prune.idempotencyMs ?? 25 * 3600_000));
      await repos.sessions.prune();
      await repos.clusterAudit.prune({ perCluster: 10_000, maxAgeMs: 7 * 24 * 3600_000 });
      await db
        .deleteFrom('changes')
        .where('time', '<', at - (prune.changesMs ?? 3600_000))
        .execute();
    },
    close: async () => {
      if (leaseDb !== db) await leaseDb.destroy();
      await db.destroy();
    },
  };
}
