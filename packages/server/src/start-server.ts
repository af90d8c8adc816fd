/**
 * `startServer`: the composition root behind `berth server`, and the only place that picks
 * concrete implementations. In order: the store (SQLite in the data dir, or PostgreSQL from
 * `databaseUrl` / BERTH_DATABASE_URL), the admin token, the provider (memory or local) with the
 * local provider's load-balancer health manager, the catalog, the cluster bootstrap that fits
 * the provider (simulated on memory, kube-bootstrap on local), the controllers under a store
 * lease, and the API. With `registry`, the platform registry starts before the bootstrap (which
 * hands it to the node runtime); a registry that cannot start is logged and left out, never
 * fatal. `stop()` shuts down in reverse order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { VersionItem } from '@berth/api-types';
import { cacheDirFromEnv, createComponentStore, mirrorUrlFromEnv } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import type { ClusterBootstrap, ClusterServicesApi } from '@berth/controller-ports';
import { listClusterNodes, SimulatedBootstrap, startControllers } from '@berth/controllers';
import { clusterAudience } from '@berth/identity';
import { createKubeBootstrapParts, type KubeBootstrapParts } from '@berth/kube-bootstrap';
import type { InfraProvider } from '@berth/provider-api';
import { LocalProvider } from '@berth/provider-local';
import { MemoryProvider, type MemoryProviderOptions } from '@berth/provider-memory';
import { openStore, type Store } from '@berth/store';
import { feedActivity } from './activity-feed.js';
import { buildApp } from './app.js';
import {
  API_CA_FILE,
  apiTlsFromEnv,
  certificateFingerprint,
  chooseApiTls,
  loadApiTls,
  type ApiTlsOption,
} from './api-tls.js';
import { fileAudit, loggerAudit, teeAudit, type AuditLog } from './audit.js';
import { ClusterActivity } from './cluster-activity.js';
import { clusterStorageSetup } from './cluster-storage.js';
import { consoleBuilt, defaultConsoleDir } from './console-static.js';
import { providerCatalog, versionsFromManifest } from './catalog.js';
import { StoreControllerAdapter } from './controller-store.js';
import type { AppOptions, CertificateSource, KubeconfigSource, NodeSource } from './deps.js';
import type { App } from './http.js';
import { providerInfraReader, storeClusterDirectory } from './infra-reader.js';
import { parseListen } from './listen.js';
import { createLogger } from './logger.js';
import type { RuntimeSupport } from './node-runtimes.js';
import { INSTALLABLE_ADDONS } from '@berth/addons';
import { startPlatformRegistry, type RunningPlatformRegistry } from './platform-registry.js';
import { startClusterAutoscalers } from './cluster-autoscalers.js';
import { seedAdminToken } from './seed-admin.js';
import { explainConfigError, loadServerConfig, withConfigFile } from './server-config-file.js';
import {
  localTopologyFromEnv,
  memoryDelayFromEnv,
  registryFromEnv,
  repairDelayFromEnv,
  fenceDelayFromEnv,
  addonPolicyFromEnv,
  identityFromEnv,
  userTokenTtlFromEnv,
} from './server-env.js';

export type ProviderKind = 'memory' | 'local';

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
  /** The built web console; default BERTH_CONSOLE_DIR or the repository's packages/console/dist/web. */
  consoleDir?: string;
  logger?: Logger;
  /** Where the generated admin token is printed once (never to the log). Default stdout. */
  print?: (line: string) => void;
  /** Run the controllers (default true). Off, the server only serves the API over the store. */
  controllers?: boolean;
  /**
   * The memory provider's settings (default: persisted in the data dir). Benchmarks give it a
   * larger external network and no state file.
   */
  memoryProvider?: MemoryProviderOptions;
  /** Reads BERTH_* settings from here (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * A YAML file with the directory settings (server-config-file.ts); default
   * BERTH_SERVER_CONFIG. A variable set in `env` wins over the file's key.
   */
  configFile?: string;
  appOptions?: AppOptions;
  /**
   * Run the platform registry (docs/registry.md): `true` with BERTH_REGISTRY_PORT/_HOST from the
   * environment (BERTH_REGISTRY=off still disables it), or explicit settings. Default off, so
   * tests and benchmarks that do not need it start no process; `berth server` turns it on.
   */
  registry?: boolean | { port?: number; host?: string };
  /** Berth's version: the toolbox image's second tag. Default: this package's version. */
  berthVersion?: string;
  /**
   * HTTPS for the API (api-tls.ts): an operator's certificate and key files, or `auto` (Berth's
   * API CA). Default BERTH_TLS_CERT/BERTH_TLS_KEY, else `auto`.
   */
  tls?: ApiTlsOption;
  /**
   * Serve plain HTTP instead, on a loopback address only (default BERTH_INSECURE_HTTP=true):
   * for tests and benchmarks on one host.
   */
  insecureHttp?: boolean;
}

export interface RunningServer {
  /** `http(s)://host:port` actually bound (port 0 resolves to a real one). */
  url: string;
  /** PEM of Berth's API CA when it serves HTTPS with `tls: 'auto'` (also `<data-dir>/api-ca.crt`). */
  caCertificate?: string;
  /** Where that CA certificate was written, with its fingerprint (`sha256:…`). */
  caFile?: { path: string; fingerprint: string };
  app: App;
  store: Store;
  /** The platform registry, when it runs. */
  registry?: RunningPlatformRegistry;
  stop(): Promise<void>;
}

/** A lease outlives a crashed leader by this long before another replica takes over. */
const LEASE_MS = 15_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const given = options.env ?? process.env;
  const configFile = options.configFile ?? (given.BERTH_SERVER_CONFIG || undefined);
  const config = configFile === undefined ? undefined : loadServerConfig(configFile);
  const env = config ? withConfigFile(given, config) : given;
  try {
    return await startWith(options, env);
  } catch (err) {
    throw config ? explainConfigError(err, config, given) : err;
  }
}

async function startWith(
  options: StartServerOptions,
  env: NodeJS.ProcessEnv,
): Promise<RunningServer> {
  const address = parseListen(options.listen);
  const tlsOption = chooseApiTls({
    host: address.host,
    tls: options.tls ?? apiTlsFromEnv(env),
    insecureHttp: options.insecureHttp ?? env.BERTH_INSECURE_HTTP === 'true',
  });
  const logger = options.logger ?? createLogger();
  const kind = options.provider ?? 'memory';
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl ?? env.BERTH_DATABASE_URL,
  });
  const stoppers: Array<() => Promise<void>> = [() => store.close()];
  const stop = async () => {
    for (const s of stoppers.splice(0).reverse())
      await s().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    await seedAdminToken(
      store,
      options.adminToken ?? env.BERTH_ADMIN_TOKEN,
      options.print ?? ((l) => process.stdout.write(`${l}\n`)),
    );
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'berth_process_' });
    const provider = await createProvider(kind, options, env);
    if (provider instanceof LocalProvider) {
      // Octavia's health manager: amphorae that died are restarted as BACKUP of their pair.
      stoppers.push(
        provider.startLoadBalancerHealthManager({
          onRepair: (r) => logger.warn(r, 'load balancer amphorae restarted'),
          onError: (err) => logger.warn({ err }, 'load balancer health pass failed'),
        }),
      );
    }
    const componentsDir = options.componentsDir ?? defaultComponentsDir(env);
    const versions = loadVersions(componentsDir, logger);
    const catalog = providerCatalog(provider.catalog, { versions });
    const platformRegistry = await maybeStartRegistry(options, {
      provider,
      store,
      env,
      logger,
      componentsDir,
    });
    if (platformRegistry) stoppers.push(() => platformRegistry.stop());
    const kube = await bootstrapFor(
      kind,
      provider,
      store,
      options.dataDir,
      env,
      logger,
      platformRegistry,
    );
    // Real clusters get the cluster autoscaler (simulated ones on the memory provider have no API).
    const scaling =
      kube.parts === undefined || options.controllers === false
        ? undefined
        : await startClusterAutoscalers({
            dataDir: options.dataDir,
            store,
            provider,
            catalog,
            bootstrap: kube.parts.bootstrap,
            components: kube.parts.components,
            kubernetesVersion: kube.parts.kubernetesVersion,
            logger,
          });
    if (scaling) stoppers.push(() => scaling.stop());
    // Per-cluster activity the API serves as …/clusters/{c}/metrics; the controllers feed it.
    const activity = new ClusterActivity();
    let nodes: NodeSource | undefined;
    if (options.controllers !== false) {
      const adapter = new StoreControllerAdapter(store);
      const running = await startControllers({
        store: adapter,
        sources: adapter,
        provider,
        bootstrap: kube.bootstrap,
        ...(kube.services === undefined ? {} : { services: kube.services }),
        ...(kube.parts === undefined ? {} : { storage: kube.parts.storage }),
        ...(kube.parts === undefined ? {} : { addons: kube.parts.addons }),
        addonPolicy: addonPolicyFromEnv(env),
        storagePolicy: fenceDelayFromEnv(env),
        ...(scaling === undefined ? {} : { autoscalers: scaling.autoscalers }),
        registry,
        logger,
        elector: store.leases.elector({
          name: 'controllers',
          identity: `${os.hostname()}-${process.pid}`,
          durationMs: LEASE_MS,
        }),
        masterRepair: repairDelayFromEnv(env, 'BERTH_MASTER_REPLACE_AFTER_SECONDS'),
        nodeRepair: repairDelayFromEnv(env, 'BERTH_NODE_REPAIR_AFTER_SECONDS'),
      });
      stoppers.push(() => running.stop());
      const stopFeed = feedActivity(store, activity, running);
      stoppers.push(async () => stopFeed());
      nodes = {
        listNodes: (cluster, signal) => listClusterNodes(provider, kube.bootstrap, cluster, signal),
      };
    }
    const consoleDir = options.consoleDir ?? defaultConsoleDir(env);
    if (!consoleBuilt(consoleDir)) {
      logger.warn(
        { consoleDir },
        'the web console is not built; / explains how to build it (scripts/bootstrap does)',
      );
    }
    const identity = identityFromEnv(env);
    const tls =
      tlsOption &&
      (await loadApiTls({
        option: tlsOption,
        dataDir: options.dataDir,
        env,
        backend: store.secrets,
        listenHost: address.host,
      }));
    let audit: AuditLog | undefined;
    if (env.BERTH_AUDIT_LOG) {
      const file = fileAudit(env.BERTH_AUDIT_LOG);
      stoppers.push(() => file.close());
      audit = teeAudit(loggerAudit(logger), file);
    }
    const app = await buildApp({
      activity,
      consoleDir,
      store,
      catalog,
      logger,
      metrics: registry,
      infra: providerInfraReader(provider, storeClusterDirectory(store)),
      kubeconfigs: kube.kubeconfigs,
      ...(kube.certificates ? { certificates: kube.certificates } : {}),
      ...(kube.parts ? { prometheus: kube.parts.prometheus } : {}),
      nodes,
      ...(platformRegistry ? { registry: { info: () => platformRegistry.info } } : {}),
      runtimes: runtimeSupport(kind, platformRegistry !== undefined),
      // Real clusters only: the memory provider's simulated clusters have no API to install into.
      addons: kube.parts === undefined ? new Set<string>() : INSTALLABLE_ADDONS,
      ...(identity ? { identity } : {}),
      ...(audit ? { audit } : {}),
      ...(tls ? { https: tls } : {}),
      ...(identity && platformRegistry && kind !== 'memory'
        ? { clusterTokens: platformRegistry.userIssuer.issuer }
        : {}),
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
    const caFile = tls?.caPem
      ? {
          path: path.join(options.dataDir, API_CA_FILE),
          fingerprint: certificateFingerprint(tls.caPem),
        }
      : undefined;
    logger.info(
      { url, dataDir: options.dataDir, store: store.dialect, provider: kind, apiCa: caFile },
      'berth server listening',
    );
    return {
      url,
      app,
      store,
      ...(tls?.caPem && caFile ? { caCertificate: tls.caPem, caFile } : {}),
      ...(platformRegistry ? { registry: platformRegistry } : {}),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function createProvider(
  kind: ProviderKind,
  options: StartServerOptions,
  env: NodeJS.ProcessEnv,
): Promise<InfraProvider> {
  if (kind === 'local') {
    return LocalProvider.create({
      dataDir: path.join(options.dataDir, 'local-provider'),
      topology: localTopologyFromEnv(env),
    });
  }
  // Persisted in the data dir so it survives restarts, unless the caller says otherwise.
  const provider = new MemoryProvider(
    options.memoryProvider ?? { stateFile: path.join(options.dataDir, 'memory-provider.json') },
  );
  const delayMs = memoryDelayFromEnv(env);
  if (delayMs > 0) provider.faults.delay({ method: '*', ms: delayMs });
  return provider;
}

/** Real nodes need the platform registry on the local provider (the memory provider simulates all). */
function runtimeSupport(kind: ProviderKind, registryRuns: boolean): RuntimeSupport {
  if (kind === 'memory' || registryRuns) return {};
  return {
    containerdUnavailable:
      'the platform registry (pause and CoreDNS images) does not run (--no-registry, or it failed to start: see the log)',
  };
}

/** Real Kubernetes (kube-bootstrap) on the local provider; simulated on the memory provider. */
async function bootstrapFor(
  kind: ProviderKind,
  provider: InfraProvider,
  store: Store,
  dataDir: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  platformRegistry: RunningPlatformRegistry | undefined,
): Promise<{
  bootstrap: ClusterBootstrap;
  kubeconfigs?: KubeconfigSource;
  certificates?: CertificateSource;
  services?: ClusterServicesApi;
  parts?: KubeBootstrapParts;
}> {
  if (kind === 'memory') return { bootstrap: new SimulatedBootstrap() };
  const parts = await createKubeBootstrapParts({
    dataDir,
    cacheDir: cacheDirFromEnv(env),
    logger,
    catalog: provider.catalog,
    sealedSecrets: store.secrets,
    storage: clusterStorageSetup({
      cacheDir: cacheDirFromEnv(env),
      runner: new ProcessRunner(),
      catalog: provider.catalog,
    }),
    ...(platformRegistry
      ? {
          registry: platformRegistry.nodes,
          userIssuer: {
            issuerUrl: platformRegistry.userIssuer.issuer.issuerUrl,
            caPem: platformRegistry.userIssuer.caPem,
            audience: clusterAudience,
            auditWebhook: (uid: string) => platformRegistry.auditWebhook(uid),
          },
        }
      : {}),
  });
  const { bootstrap, services } = parts;
  return {
    bootstrap,
    services,
    parts,
    kubeconfigs: {
      adminKubeconfig: (cluster) => bootstrap.adminKubeconfig(cluster),
      userKubeconfig: (cluster, user) => bootstrap.userKubeconfig(cluster, user),
    },
    certificates: { certificates: (cluster) => bootstrap.certificates(cluster) },
  };
}

/**
 * The platform registry where cluster nodes reach it: on the local provider the external
 * bridge's gateway address (and loopback), on the memory provider loopback only.
 */
async function maybeStartRegistry(
  options: StartServerOptions,
  deps: {
    provider: InfraProvider;
    store: Store;
    env: NodeJS.ProcessEnv;
    logger: Logger;
    componentsDir: string;
  },
): Promise<RunningPlatformRegistry | undefined> {
  if (options.registry === undefined || options.registry === false) return undefined;
  const fromEnv = registryFromEnv(deps.env);
  if (!fromEnv.enabled) return undefined;
  const explicit = options.registry === true ? {} : options.registry;
  const gateway =
    deps.provider instanceof LocalProvider
      ? deps.provider.ctx.topology.external.gatewayIp
      : undefined;
  const host = explicit.host ?? fromEnv.host;
  const mirrorUrl = mirrorUrlFromEnv(deps.env);
  try {
    return await startPlatformRegistry({
      dataDir: options.dataDir,
      port: explicit.port ?? fromEnv.port,
      advertiseHost: host ?? gateway ?? '127.0.0.1',
      listenAddresses: gateway === undefined ? [] : [gateway],
      ...(host === undefined ? {} : { extraNames: [host] }),
      components: createComponentStore({
        cacheDir: cacheDirFromEnv(deps.env),
        componentsDir: deps.componentsDir,
        runner: new ProcessRunner(),
        ...(mirrorUrl === undefined ? {} : { mirrorUrl }),
      }),
      store: deps.store,
      env: deps.env,
      logger: deps.logger,
      berthVersion: options.berthVersion ?? packageVersion(),
      ...userTokenTtlFromEnv(deps.env),
    });
  } catch (err) {
    deps.logger.error({ err }, 'the platform registry did not start; GET /v1/registry answers 501');
    return undefined;
  }
}

function packageVersion(): string {
  const file = fileURLToPath(new URL('../package.json', import.meta.url));
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function defaultComponentsDir(env: NodeJS.ProcessEnv): string {
  return (
    env.BERTH_COMPONENTS_DIR ?? fileURLToPath(new URL('../../../components/', import.meta.url))
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
