/**
 * The two store backends every store and API integration suite runs against. Usage:
 *
 *   for (const backend of storeBackends()) {
 *     describe(`… on ${backend.name}`, () => {
 *       before(() => backend.setUp()); after(() => backend.tearDown());
 *       test('…', async () => { const store = await backend.open(); … await store.close(); });
 *     });
 *   }
 *
 * SQLite stores each get a fresh file in a temp dir; PostgreSQL stores each get a fresh
 * database on one throwaway server per test file (or on BERTH_TEST_DATABASE_URL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store, type StoreOptions } from '../store.js';
import { startTestPostgres, type TestPostgres } from './postgres.js';

export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  setUp(): Promise<void>;
  /** Options for a fresh, empty database (call `openStore` with them, or use `open`). */
  freshOptions(): Promise<StoreOptions>;
  open(extra?: Partial<StoreOptions>): Promise<Store>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): StoreBackend {
  let root: string | undefined;
  const backend: StoreBackend = {
    name: 'sqlite',
    setUp: async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sqlite-'));
    },
    freshOptions: async () => ({ dataDir: fs.mkdtempSync(path.join(root ?? os.tmpdir(), 'db-')) }),
    open: async (extra = {}) => openStore({ ...(await backend.freshOptions()), ...extra }),
    tearDown: async () => {
      if (root) fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return backend;
}

function postgresBackend(): StoreBackend {
  let server: TestPostgres | undefined;
  const backend: StoreBackend = {
    name: 'postgres',
    setUp: async () => {
      server = await startTestPostgres();
    },
    freshOptions: async () => {
      if (!server) throw new Error('postgres backend used before setUp()');
      return { databaseUrl: await server.createDatabase(), poolSize: 5 };
    },
    open: async (extra = {}) => openStore({ ...(await backend.freshOptions()), ...extra }),
    tearDown: async () => {
      await server?.stop();
    },
  };
  return backend;
}

/** SQLite and PostgreSQL; `BERTH_TEST_BACKENDS=sqlite` (or `postgres`) narrows the list. */
export function storeBackends(): StoreBackend[] {
  const wanted = (process.env.BERTH_TEST_BACKENDS ?? 'sqlite,postgres').split(',');
  return [sqliteBackend(), postgresBackend()].filter((b) => wanted.includes(b.name));
}
