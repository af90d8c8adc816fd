/**
 * `startServer`: the composition root behind `berth server`. It opens the store (SQLite in the
 * data dir, or PostgreSQL from `databaseUrl` / BERTH_DATABASE_URL), seeds the admin token, builds
 * the catalog and the provider, lets the controllers wire themselves in through `wireControllers`,
 * and serves the API. `stop()` shuts down in reverse order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { VersionItem } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { InfraProvider } from '@berth/provider-api';
import { MemoryProvider } from '@berth/provider-memory';
import { LocalProvider } from '@berth/provider-local';
import { openStore, type Store } from '@berth/store';
import { buildApp } from './app.js';
import { providerCatalog, versionsFromManifest } from './catalog.js';
import type { AppOptions, Catalog, KubeconfigSource, NodeSource } from './deps.js';
import type { App } from './http.js';
import { providerInfraReader } from './infra-reader.js';
import { parseListen } from './listen.js';
import { createLogger } from './logger.js';
import { seedAdminToken } from './seed-admin.js';

export type ProviderKind = 'memory' | 'local';

export interface Stoppable {
  stop(): Promise<void>;
}

/** What the controllers get to wire themselves to. */
export interface ServerContext {
  store: Store;
  provider: InfraProvider;
  providerKind: ProviderKind;
  catalog: Catalog;
  registry: Registry;
  logger: Logger;
  dataDir: string;
  /** This replica's identity for leader election, `${hostname}-${pid}`. */
  identity: string;
}

/** Returned by `wireControllers`: how to stop them, and the views they can serve. */
export interface WiredControllers extends Stoppable {
  kubeconfigs?: KubeconfigSource;
  nodes?: NodeSource;
}

export interface StartServerOptions {
  /** `HOST:PORT`. */
  listen: string;
  dataDir: string;
  provider?: ProviderKind;
  /** `postgres://…`; default BERTH_DATABASE_URL; SQLite in `dataDir` when neither is set. */
  databaseUrl?: string;
  /** Secret of a platform admin token to ensure; default BERTH_ADMIN_TOKEN. */
  adminToken?: string;
  /** Directory holding versions.json; default BERTH_COMPONENTS_DIR or the repository's `components/`. */
  componentsDir?: string;
  logger?: Logger;
  /** Where the generated admin token is printed once (never to the log). Default stdout. */
  print?: (line: string) => void;
  /** Builds a provider this package does not construct itself (e.g. `local`). */
  providerFactories?: Partial<
    Record<ProviderKind, (dataDir: string, logger: Logger) => Promise<InfraProvider>>
  >;
  /** The seam for the controllers: called once before serving. */
  wireControllers?: (context: ServerContext) => Promise<WiredControllers>;
  appOptions?: AppOptions;
}

export interface RunningServer {
  /** `http://host:port` actually bound (port 0 resolves to a real one). */
  url: string;
  app: App;
  store: Store;
  stop(): Promise<void>;
}

const PRUNE_EVERY_MS = 10 * 60_000;

function defaultComponentsDir(): string {
  return (
    process.env.BERTH_COMPONENTS_DIR ??
    fileURLToPath(new URL('../../../components/', import.meta.url))
  );
}

/** /v1/versions from versions.json when present; an empty list (and a warning) otherwise. */
function loadVersions(dir: string, logger: Logger): VersionItem[] {
  const file = path.join(dir, 'versions.json');
  if (!fs.existsSync(file)) {
    logger.warn(
      { file },
      'no versions manifest; /v1/versions is empty and clusters cannot be created',
    );
    return [];
  }
  return versionsFromManifest(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
}

/**
 * The in-memory provider, persisted in the data dir so it survives restarts. For fault tests,
 * BERTH_MEMORY_PROVIDER_DELAY_MS slows every provider call, widening the window in which a test
 * can kill the server mid-reconcile.
 */
function memoryProvider(dataDir: string): MemoryProvider {
  const provider = new MemoryProvider({ stateFile: path.join(dataDir, 'memory-provider.json') });
  const delayMs = Number(process.env.BERTH_MEMORY_PROVIDER_DELAY_MS ?? 0);
  if (delayMs > 0) provider.faults.delay({ method: '*', ms: delayMs });
  return provider;
}

/**
 * Where the local provider sits on the host, from BERTH_LOCAL_PREFIX (default `berth-`),
 * BERTH_LOCAL_EXTERNAL_BRIDGE (default `<prefix>ext0`) and BERTH_LOCAL_EXTERNAL_CIDR (default
 * 198.18.0.0/24). Tests and benchmarks set them so their runs never meet an operator's objects.
 */
function localTopologyFromEnv(): {
  prefix?: string;
  externalBridge?: string;
  externalCidr?: string;
} {
  const env = process.env;
  return {
    ...(env.BERTH_LOCAL_PREFIX ? { prefix: env.BERTH_LOCAL_PREFIX } : {}),
    ...(env.BERTH_LOCAL_EXTERNAL_BRIDGE ? { externalBridge: env.BERTH_LOCAL_EXTERNAL_BRIDGE } : {}),
    ...(env.BERTH_LOCAL_EXTERNAL_CIDR ? { externalCidr: env.BERTH_LOCAL_EXTERNAL_CIDR } : {}),
  };
}

async function createProvider(options: StartServerOptions, logger: Logger): Promise<InfraProvider> {
  const kind = options.provider ?? 'memory';
  const factory = options.providerFactories?.[kind];
  if (factory) return factory(options.dataDir, logger);
  if (kind === 'memory') return memoryProvider(options.dataDir);
  if (kind === 'local')
    return LocalProvider.create({
      dataDir: path.join(options.dataDir, 'local-provider'),
      topology: localTopologyFromEnv(),
    });
  throw new BerthError(
    'BERTH_ERR_NOT_IMPLEMENTED',
    `the ${kind} provider is not wired into this build of berth server`,
  );
}

function clusterDirectory(store: Store) {
  return {
    clusterUids: async (project: string) => {
      const keys = await store.clusters.listKeys();
      return new Map(keys.filter((k) => k.project === project).map((k) => [k.name, k.uid]));
    },
  };
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const address = parseListen(options.listen);
  const logger = options.logger ?? createLogger();
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl ?? process.env.BERTH_DATABASE_URL,
  });
  const stoppers: Array<() => Promise<void>> = [() => store.close()];
  const stop = async () => {
    for (const s of stoppers.splice(0).reverse())
      await s().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    await seedAdminToken(
      store,
      options.adminToken ?? process.env.BERTH_ADMIN_TOKEN,
      options.print ?? ((l) => process.stdout.write(`${l}\n`)),
    );
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'berth_process_' });
    const provider = await createProvider(options, logger);
    if (provider instanceof LocalProvider) {
      // Octavia's health manager: amphorae that died are restarted as BACKUP of their pair.
      const stopHealthManager = provider.startLoadBalancerHealthManager({
        onRepair: (r) => logger.warn(r, 'load balancer amphorae restarted'),
        onError: (err) => logger.warn({ err }, 'load balancer health pass failed'),
      });
      stoppers.push(stopHealthManager);
    }
    const versions = loadVersions(options.componentsDir ?? defaultComponentsDir(), logger);
    const catalog = providerCatalog(provider.catalog, { versions });
    const context: ServerContext = {
      store,
      provider,
      providerKind: options.provider ?? 'memory',
      catalog,
      registry,
      logger,
      dataDir: options.dataDir,
      identity: `${os.hostname()}-${process.pid}`,
    };
    const controllers = options.wireControllers
      ? await options.wireControllers(context)
      : undefined;
    if (controllers) stoppers.push(() => controllers.stop());
    const app = await buildApp({
      store,
      catalog,
      logger,
      metrics: registry,
      infra: providerInfraReader(provider, clusterDirectory(store)),
      kubeconfigs: controllers?.kubeconfigs,
      nodes: controllers?.nodes,
      options: options.appOptions,
    });
    stoppers.push(() => app.close());
    const pruner = setInterval(
      () => void store.prune().catch((err: unknown) => logger.warn({ err }, 'prune failed')),
      PRUNE_EVERY_MS,
    );
    pruner.unref();
    stoppers.push(async () => clearInterval(pruner));
    const url = await app.listen({ host: address.host, port: address.port });
    logger.info(
      { url, dataDir: options.dataDir, store: store.dialect, provider: context.providerKind },
      'berth server listening',
    );
    return { url, app, store, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
