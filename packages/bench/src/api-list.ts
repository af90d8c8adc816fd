/**
 * API latency and throughput: `GET /v1/projects/p/clusters` with 1,000 clusters stored, 50
 * concurrent connections, against SQLite and PostgreSQL. The server runs without controllers so
 * the store serves only the API. Goal (issue): ≥ 5,000 req/s and p99 ≤ 20 ms on SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyClusterDefaults } from '@berth/api-types';
import { createLogger, startServer } from '@berth/server';
import { openStore, type StoreOptions } from '@berth/store';
import { storeBackends } from '@berth/store/testing';
import { runLoad, type LoadResult } from './load.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const CLUSTERS = 1000;
const CONNECTIONS = 50;
const SECONDS = 10;
const RUNS = 3;

async function seed(options: StoreOptions): Promise<string> {
  const store = await openStore(options);
  try {
    await store.projects.create({ name: 'p' });
    const spec = applyClusterDefaults({}, { defaultVersion: '1.34' });
    for (let i = 0; i < CLUSTERS; i++) {
      await store.clusters.create({ project: 'p', name: `c${String(i).padStart(4, '0')}`, spec });
    }
    const { secret } = await store.tokens.create({ name: 'bench', project: 'p', role: 'member' });
    return secret;
  } finally {
    await store.close();
  }
}

async function measure(options: StoreOptions): Promise<LoadResult[]> {
  const token = await seed(options);
  // PostgreSQL runs keep only the provider's state in a data dir; it goes with the run.
  const ownDir =
    'dataDir' in options && options.dataDir
      ? undefined
      : fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
  const dataDir = ownDir ?? (options as { dataDir: string }).dataDir;
  const server = await startServer({
    insecureHttp: true, // plain HTTP on loopback: the API is measured, not TLS
    listen: '127.0.0.1:0',
    dataDir,
    ...('databaseUrl' in options && options.databaseUrl
      ? { databaseUrl: options.databaseUrl }
      : {}),
    print: () => undefined,
    controllers: false,
    // Request lines at info would measure stdout; operators see warnings and errors.
    logger: createLogger({ level: 'warn' }),
  });
  try {
    const url = `${server.url}/v1/projects/p/clusters`;
    const auth = { Authorization: `Bearer ${token}` };
    await runLoad(url, auth, CONNECTIONS, 2); // warm-up
    const results: LoadResult[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await runLoad(url, auth, CONNECTIONS, SECONDS));
    return results;
  } finally {
    await server.stop();
    if (ownDir !== undefined) fs.rmSync(ownDir, { recursive: true, force: true });
  }
}

export async function benchApiList(): Promise<Table> {
  const rows: Table['rows'] = [];
  for (const backend of storeBackends()) {
    await backend.setUp();
    try {
      const results = await measure(await backend.freshOptions());
      const errors = results.reduce((n, r) => n + r.errors + r.non2xx, 0);
      rows.push([
        backend.name,
        round(median(results.map((r) => r.requestsPerSecond)), 0),
        round(median(results.map((r) => r.p50Ms)), 1),
        round(median(results.map((r) => r.p99Ms)), 1),
        errors,
      ]);
    } finally {
      await backend.tearDown();
    }
  }
  return {
    title: `API: GET /v1/projects/p/clusters, ${CLUSTERS} clusters stored, ${CONNECTIONS} connections`,
    method: `autocannon in a separate process, ${RUNS} runs of ${SECONDS} s after a 2 s warm-up; medians of the runs. Default page size (100 items). Goal: ≥ 5,000 req/s and p99 ≤ 20 ms on SQLite.`,
    columns: ['store', 'req/s', 'p50 ms', 'p99 ms', 'errors + non-2xx'],
    rows,
  };
}
