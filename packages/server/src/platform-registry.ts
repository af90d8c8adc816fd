/**
 * The platform registry as `berth server` runs it: PKI from the server's secrets, the
 * distribution binary from the component cache, Berth API tokens and node pull credentials as
 * the token endpoint's credentials, and the platform images (pause, CoreDNS, toolbox, and fio when
 * the host has it) published in the background. Returns what the API (`GET /v1/registry`) and the node runtime
 * (`PlatformRegistry`) need. See docs/registry.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ComponentStore } from '@berth/components';
import type { NodePullCredential, PlatformRegistry } from '@berth/controller-ports';
import { MONITORING_IMAGE_PATHS, RegistryClient } from '@berth/images';
import {
  BERTH_PLATFORM,
  loadPlatformImages,
  parseScopes,
  publishPlatformImages,
  startRegistry,
  type BinaryAtVersion,
  type PublishedImage,
  type RegistryPrincipal,
} from '@berth/registry';
import { ClusterTokenIssuer } from '@berth/identity';
import type { Store } from '@berth/store';
import type { RegistryInfo } from './deps.js';
import { AUDIT_PATH, auditWebhookToken, receiveAuditEvents } from './cluster-audit-sink.js';
import { loadRegistryPki } from './registry-pki.js';

export interface PlatformRegistryOptions {
  /** The server's data dir; the registry keeps `<dataDir>/registry/`. */
  dataDir: string;
  port: number;
  /** The host part of the endpoint: where nodes (and the host) reach it. */
  advertiseHost: string;
  /** Addresses to listen on besides loopback; bound once they exist on the host. */
  listenAddresses: string[];
  /** More names for the serving certificate (a DNS name of a real deployment). */
  extraNames?: string[];
  components: ComponentStore;
  store: Store;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  berthVersion: string;
  /** Lifetime of directory users' cluster tokens; default 5 min. */
  userTokenTtlMs?: number;
  /**
   * The host's fio, packed with its libraries as `berth/fio` when it exists (storage benchmarks,
   * docs/storage.md); default Debian's `/usr/bin/fio` (`scripts/install-host-deps --with-test-deps`).
   */
  fio?: string;
}

export interface RunningPlatformRegistry {
  info: RegistryInfo;
  /**
   * Berth's JWT issuer for directory users at `https://<endpoint>/oidc` (discovery and JWKS served
   * by the registry's front, where masters reach it), trusted through the registry CA.
   */
  userIssuer: { issuer: ClusterTokenIssuer; caPem: string };
  /** Where a cluster's API servers send audit events, and the token they send with. */
  auditWebhook(clusterUid: string): { server: string; token: string };
  nodes: PlatformRegistry;
  /** Settles when the platform images are published (or publishing gave up). */
  published: Promise<PublishedImage[]>;
  stop(): Promise<void>;
}

const NODE_USER = /^berth-node\.([a-z0-9-]+)\.([A-Za-z0-9_-]+)$/;
const PUBLISH_ATTEMPTS = 3;
const DEFAULT_FIO = '/usr/bin/fio';

export async function startPlatformRegistry(
  options: PlatformRegistryOptions,
): Promise<RunningPlatformRegistry> {
  const endpoint = `${options.advertiseHost}:${options.port}`;
  const hosts = [
    ...new Set([
      options.advertiseHost,
      '127.0.0.1',
      ...options.listenAddresses,
      ...(options.extraNames ?? []),
    ]),
  ];
  const isIp = (h: string) => /^\d+\.\d+\.\d+\.\d+$/.test(h);
  const pki = await loadRegistryPki({
    dataDir: options.dataDir,
    env: options.env,
    backend: options.store.secrets,
    addresses: {
      ips: hosts.filter(isIp),
      dnsNames: ['localhost', ...hosts.filter((h) => !isIp(h))],
    },
  });
  const credentials = nodeCredentials(pki.credentialKey);
  const userIssuer = new ClusterTokenIssuer({
    issuerUrl: `https://${endpoint}/oidc`,
    privateKeyPem: pki.userTokenKey,
    ...(options.userTokenTtlMs === undefined ? {} : { ttlMs: options.userTokenTtlMs }),
  });
  const registry = await startRegistry({
    binary: await options.components.path('registry', 'default'),
    dataDir: path.join(options.dataDir, 'registry'),
    tls: pki.serving,
    signer: pki.signer,
    listen: [
      { host: '127.0.0.1', port: options.port },
      ...options.listenAddresses
        .filter((a) => a !== '127.0.0.1')
        .map((host) => ({ host, port: options.port, whenAvailable: true })),
    ],
    authenticate: (username, password) =>
      authenticate(options.store, credentials, username, password),
    logger: options.logger,
    documents: (pathname) => userIssuer.document(pathname),
    receive: async (delivery) => {
      if (!AUDIT_PATH.test(delivery.pathname)) return undefined;
      const status = await receiveAuditEvents(options.store, pki.credentialKey, delivery);
      if (status !== 200)
        options.logger.warn({ path: delivery.pathname, status }, 'audit events refused');
      return status;
    },
  });
  let stopped = false;
  const client = new RegistryClient({
    endpoint: `127.0.0.1:${options.port}`,
    caPem: pki.ca.certPem,
    tokenFor: async (_challenge, scope) =>
      registry.tokens.mint(BERTH_PLATFORM, parseScopes([scope])).token,
  });
  const published = publishWithRetries(options, client, () => stopped);
  // Addon images are optional (built on demand): their references exist once they are published.
  const publishedRepositories = new Set<string>();
  void published.then((images) =>
    images.forEach((i) => {
      publishedRepositories.add(i.repository);
      i.tags.forEach((t) => publishedRepositories.add(`${i.repository}:${t}`));
    }),
  );
  options.logger.info({ endpoint }, 'platform registry running');
  return {
    info: { endpoint, caCertificate: pki.ca.certPem },
    userIssuer: { issuer: userIssuer, caPem: pki.ca.certPem },
    auditWebhook: (clusterUid) => ({
      server: `https://${endpoint}/audit/${clusterUid}`,
      token: auditWebhookToken(pki.credentialKey, clusterUid),
    }),
    nodes: {
      endpoint,
      caCertificate: pki.ca.certPem,
      platformImages: (release) =>
        platformImageRefs(options.components, endpoint, release, publishedRepositories),
      nodePullCredential: (cluster) => credentials.issue(cluster.project, cluster.uid),
    },
    published,
    stop: async () => {
      stopped = true;
      await published.catch(() => undefined);
      await client.close();
      await registry.stop();
    },
  };
}

/** HMAC-derived pull credentials per cluster: nothing to store, stable across restarts. */
function nodeCredentials(key: Buffer) {
  const mac = (project: string, uid: string) =>
    `berthnode_${createHmac('sha256', key).update(`registry-pull:v1:${project}/${uid}`).digest('base64url')}`;
  return {
    issue: (project: string, uid: string): NodePullCredential => ({
      username: `berth-node.${project}.${uid}`,
      password: mac(project, uid),
    }),
    verify(username: string, password: string): { project: string; uid: string } | undefined {
      const match = NODE_USER.exec(username);
      if (!match) return undefined;
      const expected = Buffer.from(mac(match[1]!, match[2]!));
      const given = Buffer.from(password);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return { project: match[1]!, uid: match[2]! };
    },
  };
}

/** A Berth API token (any username), or a live cluster's node credential (viewer of its project). */
async function authenticate(
  store: Store,
  credentials: ReturnType<typeof nodeCredentials>,
  username: string,
  password: string,
): Promise<RegistryPrincipal | undefined> {
  const node = credentials.verify(username, password);
  if (node) {
    const cluster = await store.clusters.getByUid(node.uid);
    if (!cluster || cluster.metadata.project !== node.project) return undefined;
    return { subject: `cluster:${node.uid}`, project: node.project, role: 'viewer' };
  }
  if (password === '') return undefined;
  const token = await store.tokens.findBySecret(password);
  if (!token) return undefined;
  return { subject: `token:${token.id}`, project: token.project, role: token.role };
}

/** The addon binaries published as `berth/<binary>` when the component cache holds them. */
const ADDON_BINARIES = ['traefik', ...Object.keys(MONITORING_IMAGE_PATHS)];

function platformImageRefs(
  components: ComponentStore,
  endpoint: string,
  release: string,
  published: ReadonlySet<string>,
) {
  const resolved = components.resolve(release);
  const version = (name: string) =>
    resolved.components.find((c) => c.name === name)?.version ?? 'unknown';
  const binaryVersion = (binary: string) =>
    resolved.components.find((c) => binary in c.spec.binaries)?.version ?? 'unknown';
  const addons: Record<string, string> = {};
  for (const binary of ADDON_BINARIES)
    if (published.has(`berth/${binary}`))
      addons[binary] = `${endpoint}/berth/${binary}:${binaryVersion(binary)}`;
  return {
    pause: `${endpoint}/berth/pause:${version('pause')}`,
    coredns: `${endpoint}/berth/coredns:${version('coredns')}`,
    ...(addons['traefik'] === undefined ? {} : { traefik: addons['traefik'] }),
    addons: {
      ...addons,
      ...Object.fromEntries(
        versionedAddonComponents(components)
          .map((c) => [c.name, `berth/${c.base}:${c.version}`] as const)
          .filter(([, image]) => published.has(image))
          .map(([name, image]) => [name, `${endpoint}/${image}`]),
      ),
    },
  };
}

/**
 * Addon components built once per upstream version, named `<image>-<version>` with one binary of
 * that name (`metrics-server-v0.8.0`, `prometheus-v3.15.1`): each is published as
 * `berth/<image>:<version>` beside the others of its name, so catalog versions can pick one.
 */
function versionedAddonComponents(components: ComponentStore) {
  return components
    .resolve('default')
    .components.filter((c) => c.name.endsWith(`-${c.version}`) && c.name in c.spec.binaries)
    .map((c) => ({ ...c, base: c.name.slice(0, -(c.version.length + 1)) }));
}

async function publishWithRetries(
  options: PlatformRegistryOptions,
  client: RegistryClient,
  stopped: () => boolean,
): Promise<PublishedImage[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const images = await loadPlatformImages(await imageSources(options), {
        skipped: (repository, err) =>
          options.logger.warn({ err, repository }, 'platform image skipped'),
      });
      const published = await publishPlatformImages(client, images);
      options.logger.info(
        { images: published.map((p) => `${p.repository}:${p.tags.join(',')}`) },
        'platform images published',
      );
      return published;
    } catch (err) {
      if (stopped() || attempt >= PUBLISH_ATTEMPTS) {
        options.logger.error({ err }, 'platform images not published');
        return [];
      }
      options.logger.warn({ err, attempt }, 'publishing platform images failed; retrying');
      await new Promise((r) => setTimeout(r, 2000 * attempt));
    }
  }
}

/**
 * Every release's pause and CoreDNS that the cache holds, busybox, Traefik, metrics-server (each
 * version), and the host's fio; missing
 * ones are skipped.
 */
async function imageSources(options: PlatformRegistryOptions) {
  const find = async (binary: string, release: string): Promise<BinaryAtVersion | undefined> => {
    const component = options.components
      .resolve(release)
      .components.find((c) => binary in c.spec.binaries);
    if (!component) return undefined;
    try {
      return { path: await options.components.path(binary, release), version: component.version };
    } catch (err) {
      options.logger.warn({ binary, release, err }, 'platform image skipped: binary not installed');
      return undefined;
    }
  };
  // Addons' binaries are built on demand: their absence is normal, not worth a warning.
  const findOptional = async (binary: string): Promise<BinaryAtVersion | undefined> => {
    const component = options.components
      .resolve('default')
      .components.find((c) => binary in c.spec.binaries);
    if (!component) return undefined;
    return options.components.path(binary, 'default').then(
      (path) => ({ path, version: component.version }),
      () => {
        options.logger.debug({ binary }, 'no addon image: binary not installed');
        return undefined;
      },
    );
  };
  const releases = Object.keys(options.components.versions.releases);
  const pause: BinaryAtVersion[] = [];
  const coredns: BinaryAtVersion[] = [];
  for (const release of releases) {
    const p = await find('pause', release);
    const c = await find('coredns', release);
    if (p) pause.push(p);
    if (c) coredns.push(c);
  }
  const busybox = await find('busybox', 'default');
  const traefik = await findOptional('traefik');
  const metricsServer: BinaryAtVersion[] = [];
  const monitoring: (BinaryAtVersion & { binary: string })[] = [];
  for (const binary of Object.keys(MONITORING_IMAGE_PATHS)) {
    const found = await findOptional(binary);
    if (found) monitoring.push({ binary, ...found });
  }
  for (const component of versionedAddonComponents(options.components)) {
    const found = await findOptional(component.name);
    if (!found) continue;
    if (component.base === 'metrics-server') metricsServer.push(found);
    else if (component.base in MONITORING_IMAGE_PATHS)
      monitoring.push({ binary: component.base, ...found });
  }
  const fio = options.fio ?? DEFAULT_FIO;
  const hasFio = await access(fio).then(
    () => true,
    () => false,
  );
  if (!hasFio) options.logger.debug({ fio }, 'no berth/fio: the host has no fio');
  return {
    pause,
    coredns,
    ...(busybox ? { busybox } : {}),
    ...(traefik ? { traefik } : {}),
    metricsServer,
    monitoring,
    ...(hasFio ? { fio } : {}),
    berthVersion: options.berthVersion,
  };
}
