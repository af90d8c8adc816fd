/**
 * Opens the database: SQLite (one file in the data dir, WAL journal, busy timeout) by default, or
 * PostgreSQL when a `postgres://` URL is given. Both are driven through the same Kysely instance
 * type, so everything above this file is dialect-neutral.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { BerthError } from '@berth/errors';
import type { Database } from './database.js';

export type Dialect = 'sqlite' | 'postgres';

export interface ConnectOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite is used. */
  databaseUrl?: string;
  /** Directory holding `berth.db` (created if missing). Ignored for PostgreSQL. */
  dataDir?: string;
  /** Exact SQLite file, e.g. `:memory:` in tests; overrides `dataDir`. */
  sqliteFile?: string;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
}

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
}

export const SQLITE_FILE_NAME = 'berth.db';

/** Milliseconds a SQLite statement waits for a lock held by another connection before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Prepared statements kept per connection; Kysely asks to prepare every query anew. */
const STATEMENT_CACHE_SIZE = 500;

function openSqlite(file: string): Kysely<Database> {
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  database.pragma('synchronous = NORMAL');
  // Preparing is a large share of a short query's cost; the same SQL text is reused, and
  // better-sqlite3 runs one statement at a time, so a prepared statement can be reused.
  const statements = new Map<string, SqliteDatabase.Statement>();
  const cached = {
    close: () => database.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (statement === undefined) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = database.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
}

function openPostgres(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A second connection for leader-election leases, so a renewal never queues behind the busy
 * connection's work (one SQLite connection runs one statement at a time; a PostgreSQL pool can
 * be exhausted by controllers). A private `:memory:` SQLite database has no second connection:
 * the main one is returned.
 */
export function connectLeases(options: ConnectOptions, main: Connection): Kysely<Database> {
  if (main.dialect === 'postgres') return openPostgres(options.databaseUrl!, 1);
  const file = sqliteFile(options);
  return file === ':memory:' ? main.db : openSqlite(file);
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** Throws BERTH_ERR_VALIDATION for a URL that is neither empty nor PostgreSQL. */
export function connect(options: ConnectOptions): Connection {
  const { databaseUrl } = options;
  if (databaseUrl !== undefined && databaseUrl !== '') {
    if (!isPostgresUrl(databaseUrl)) {
      throw new BerthError('BERTH_ERR_VALIDATION', 'database URL must start with postgres://', {
        field: 'databaseUrl',
      });
    }
    return { db: openPostgres(databaseUrl, options.poolSize ?? 10), dialect: 'postgres' };
  }
  return { db: openSqlite(sqliteFile(options)), dialect: 'sqlite' };
}

function sqliteFile(options: ConnectOptions): string {
  if (options.sqliteFile !== undefined) return options.sqliteFile;
  if (options.dataDir === undefined) {
    throw new BerthError('BERTH_ERR_VALIDATION', 'a data dir or a database URL is required', {
      field: 'dataDir',
    });
  }
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  return path.join(options.dataDir, SQLITE_FILE_NAME);
}
