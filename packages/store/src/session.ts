/**
 * How every repository reaches the database. `read` runs a query on the pool (or on the open
 * transaction); `write` runs inside a transaction that first takes the next value of the global
 * version counter. Taking the counter row first serializes writers (the row lock is held until
 * commit on PostgreSQL; SQLite has one writer anyway), which gives three guarantees:
 *   1. read-modify-write inside `write` never loses an update,
 *   2. versions are assigned in commit order, so a poller reading `changes`/`events` with
 *      `id > cursor` never skips a row that commits later with a smaller id,
 *   3. every object write gets a fresh, globally monotonic `resourceVersion`.
 * Changes recorded in a transaction reach in-process listeners only after it commits.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';

export type Executor = Kysely<Database> | Transaction<Database>;

export type ChangeKind = 'Project' | 'Cluster' | 'NodeGroup';
/**
 * `upsert`: created, or spec, labels, finalizers or deletion changed; `status`: only the status
 * changed (a controller's report, which controllers need not react to as they do to intent);
 * `delete`: the row is gone.
 */
export type ChangeType = 'upsert' | 'status' | 'delete';

/** One write of one object, as the change feed reports it. `id` is the write's version. */
export interface Change {
  id: number;
  kind: ChangeKind;
  type: ChangeType;
  project: string;
  /** Owning cluster's name, for node groups. */
  cluster?: string;
  name: string;
  uid: string;
}

export type ChangeListener = (change: Change) => void;

/** What a function running inside a write transaction may use. */
export interface WriteContext {
  readonly db: Transaction<Database>;
  /** Clock reading taken when the transaction started (epoch ms). */
  readonly now: number;
  /** Allocates the next global version (monotonic, in commit order). */
  nextVersion(): Promise<number>;
  /** Records a change (row in `changes`, listeners after commit) under an allocated version. */
  recordChange(change: Change): Promise<void>;
}

export interface SessionDeps {
  db: Kysely<Database>;
  now: () => number;
  emit: (changes: readonly Change[]) => void;
}

const COUNTER = 'resource_version';

async function allocate(db: Transaction<Database>): Promise<number> {
  const row = await db
    .updateTable('counters')
    .set({ value: sql<number>`value + 1` })
    .where('name', '=', COUNTER)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Runs reads and writes either at top level or inside one caller-owned transaction. */
export class Session {
  readonly #deps: SessionDeps;
  readonly #open: WriteContext | undefined;

  constructor(deps: SessionDeps, open?: WriteContext) {
    this.#deps = deps;
    this.#open = open;
  }

  get now(): number {
    return this.#open?.now ?? this.#deps.now();
  }

  read<T>(fn: (db: Executor) => Promise<T>): Promise<T> {
    return fn(this.#open?.db ?? this.#deps.db);
  }

  /** Runs `fn` in a write transaction (joining the open one, if any). */
  async write<T>(fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    if (this.#open) return fn(this.#open);
    const changes: Change[] = [];
    const result = await this.#deps.db.transaction().execute(async (trx) => {
      const ctx = await this.#context(trx, changes);
      return fn(ctx);
    });
    if (changes.length > 0) this.#deps.emit(changes);
    return result;
  }

  /** Opens a transaction and hands `fn` a Session bound to it (see Store#transaction). */
  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    if (this.#open) return fn(this);
    const changes: Change[] = [];
    const result = await this.#deps.db.transaction().execute(async (trx) => {
      const ctx = await this.#context(trx, changes);
      return fn(new Session(this.#deps, ctx));
    });
    if (changes.length > 0) this.#deps.emit(changes);
    return result;
  }

  async #context(trx: Transaction<Database>, changes: Change[]): Promise<WriteContext> {
    // Taking a version first locks the counter row: see the file comment for why.
    let first: number | undefined = await allocate(trx);
    return {
      db: trx,
      now: this.#deps.now(),
      nextVersion: async () => {
        if (first !== undefined) {
          const v = first;
          first = undefined;
          return v;
        }
        return allocate(trx);
      },
      recordChange: async (change) => {
        await trx
          .insertInto('changes')
          .values({
            id: change.id,
            kind: change.kind,
            type: change.type,
            project: change.project,
            cluster: change.cluster ?? null,
            name: change.name,
            uid: change.uid,
            time: this.#deps.now(),
          })
          .execute();
        changes.push(change);
      },
    };
  }
}
