/**
 * What `buildApp` needs from the outside world. The composition root (`startServer`) fills these
 * in; tests pass their own. Seams the controllers fill later are optional and answer 501 until
 * wired: `kubeconfigs`, `nodes`, `infra`, `registry`.
 */
import type { RuntimeSupport } from './node-runtimes.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import type {
  CatalogSnapshot,
  ClusterCertificate,
  RegistryInfo,
  Cluster,
  ClusterNode,
  InfraKind,
  InfraObject,
  InfraVolume,
} from '@berth/api-types';
import type { ClusterPrometheusApi } from '@berth/controller-ports';
import type { Store } from '@berth/store';
import type { AuditLog } from './audit.js';
import type { ClusterActivity } from './cluster-activity.js';
import type { IdentityOptions } from './identity-service.js';

/** What cluster specs may name. Implementations may cache; the API reads it per request. */
export interface Catalog {
  snapshot(): Promise<CatalogSnapshot>;
}

/** Returns a cluster's admin kubeconfig (YAML), or undefined while the cluster cannot serve one. */
export interface KubeconfigSource {
  adminKubeconfig(cluster: Cluster, signal: AbortSignal): Promise<string | undefined>;
  /**
   * A directory user's kubeconfig (the cluster's CA certificate and an exec credential plugin,
   * no client certificate); undefined while the cluster cannot serve one. Absent: 501.
   */
  userKubeconfig?(
    cluster: Cluster,
    user: { name: string; exec: { command: string; args: string[] } },
    signal: AbortSignal,
  ): Promise<string | undefined>;
}

/** A cluster's control-plane certificates and their validity; undefined until it has a PKI. */
export interface CertificateSource {
  certificates(cluster: Cluster, signal: AbortSignal): Promise<ClusterCertificate[] | undefined>;
}

/** Short-lived tokens a cluster's API server accepts for a directory user (Berth's JWT issuer). */
export interface ClusterTokenSource {
  mint(input: {
    clusterUid: string;
    username: string;
    groups: string[];
  }): Promise<{ token: string; expiresAt: number }>;
}

/** Lists a cluster's machines joined with their Kubernetes node state. */
export interface NodeSource {
  listNodes(cluster: Cluster, signal: AbortSignal): Promise<ClusterNode[]>;
}

/** The project, and optionally the name of one of its clusters, an infrastructure view covers. */
export interface InfraScope {
  project: string;
  cluster?: string;
}

/** Read-only view of the infrastructure Berth made, by the `berth.dev/project` tag. */
export interface InfraReader {
  /** Every kind in the generic shape; `volumes` also has its own view below. */
  list(kind: InfraKind, scope: InfraScope, signal: AbortSignal): Promise<InfraObject[]>;
  /** Volumes with what they are for, their claim and their node. */
  volumes(scope: InfraScope, signal: AbortSignal): Promise<InfraVolume[]>;
}

export type { RegistryInfo };

/** The platform registry this server runs (`GET /v1/registry`); absent: 501. */
export interface RegistryInfoSource {
  info(): RegistryInfo;
}

export interface AppOptions {
  /** How often a live event stream polls the store for new events. Default 250 ms. */
  ssePollMs?: number;
  /**
   * How often other replicas' writes are picked up from the store's change feed for list
   * caching (this process's own writes are seen at once). Default 250 ms.
   */
  changePollMs?: number;
  /** Interval of SSE heartbeat comments. Default 15 s. */
  sseHeartbeatMs?: number;
  /** How long a verified token is trusted without re-reading the store. Default 10 s. */
  authCacheTtlMs?: number;
  /** Largest accepted request body. Default 1 MiB. */
  bodyLimit?: number;
}

export interface AppDeps {
  store: Store;
  catalog: Catalog;
  /** A pino logger (redaction configured by `createLogger`). */
  logger: FastifyBaseLogger;
  /** The registry `/metrics` serves; controller-kit registers its metrics on the same one. */
  metrics: Registry;
  /** Epoch milliseconds. Default Date.now. */
  now?: () => number;
  kubeconfigs?: KubeconfigSource;
  nodes?: NodeSource;
  infra?: InfraReader;
  /**
   * Per-cluster activity for `GET …/clusters/{c}/metrics`; the controllers feed the same one.
   * Default: a fresh recorder (requests only).
   */
  activity?: ClusterActivity;
  /** Directory of the built web console served at `/`; without it `/` is a 404. */
  consoleDir?: string;
  registry?: RegistryInfoSource;
  /** Serve HTTPS with this certificate and key (api-tls.ts); absent: plain HTTP. */
  https?: { certPem: string; keyPem: string };
  /** The clusters' Prometheus for `…/monitoring/query{,_range}`; absent: 501. */
  prometheus?: ClusterPrometheusApi;
  /** `GET …/clusters/{c}/certificates`; absent: 501. */
  certificates?: CertificateSource;
  /** Where audit records go (see audit.ts); default: `audit` lines of `logger`. */
  audit?: AuditLog;
  /** Cluster tokens for directory users; absent: `…/credentials` and user kubeconfigs are 501. */
  clusterTokens?: ClusterTokenSource;
  /** Directory users (`POST /v1/login`, session tokens); absent: API tokens only, login 501. */
  identity?: IdentityOptions;
  /** Which node runtimes can run here (default: all). */
  runtimes?: RuntimeSupport;
  /**
   * Addons this server installs (an addon controller runs); default none: every install is
   * refused with 501 naming the addon.
   */
  addons?: ReadonlySet<string>;
  options?: AppOptions;
}
