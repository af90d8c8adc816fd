/**
 * The API in this process on a loopback port, over a fresh SQLite store, with the dependencies a
 * test chooses — e.g. a FakePrometheus at the ClusterPrometheusApi port and the console bundle —
 * for browser suites that need a boundary the `berth server` child process cannot fake. No
 * controllers run: the test writes the status it wants through `store`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { openStore, type Store } from '@berth/store';
import { buildApp } from '../app.js';
import { staticCatalog } from '../catalog.js';
import type { AppDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import { Registry } from 'prom-client';
import { TEST_CATALOG } from './app.js';

export interface InProcessBerth {
  url: string;
  /** A platform admin token's secret. */
  token: string;
  store: Store;
  stop(): Promise<void>;
}

export async function startInProcessBerth(
  extra: Partial<Omit<AppDeps, 'store'>> = {},
): Promise<InProcessBerth> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-in-process-'));
  const store = await openStore({ dataDir });
  const app = await buildApp({
    store,
    catalog: staticCatalog(TEST_CATALOG),
    // Quiet unless asked: the suites provoke 5xx answers on purpose.
    logger: createLogger({ level: process.env.BERTH_LOG_LEVEL ?? 'silent' }),
    metrics: new Registry(),
    ...extra,
  });
  const { secret } = await store.tokens.create({ name: 'admin', project: null, role: 'admin' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: secret,
    store,
    stop: async () => {
      await app.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
