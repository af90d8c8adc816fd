/**
 * The composition of a KubeBootstrap for `berth server`: secrets encrypted under
 * `<dataDir>/secrets/` (key from BERTH_SECRET_KEY or `<dataDir>/secret.key`), binaries from the
 * component cache, worker capacity from the provider's flavors. `createKubeBootstrapParts` also
 * gives the ClusterServicesApi (Service load balancers) reading the same cluster secrets.
 */
import { join } from 'node:path';
import {
  createComponentStore,
  defaultComponentsDir,
  mirrorUrlFromEnv,
  type ComponentStore,
} from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import type { PlatformRegistry } from '@berth/controller-ports';
import type { CatalogService } from '@berth/provider-api';
import { ClusterApi, type BootstrapLogger } from './cluster-api.js';
import { ClusterSecrets } from './cluster-secrets.js';
import {
  KubeBootstrap,
  type ClusterStorageSetup,
  type NodeImages,
  type UserIssuer,
} from './kube-bootstrap.js';
import { DEFAULT_PORTS } from './layout.js';
import { nodeAgentPaths } from './node-agent-paths.js';
import { loadSecretKey } from './secret-key.js';
import {
  FileSecretStore,
  SealedSecretStore,
  type SealedSecretBackend,
  type SecretStore,
} from './secret-store.js';
import { KubeClusterServices } from './services/kube-cluster-services.js';
import { KubeClusterPrometheus } from './monitoring/kube-cluster-prometheus.js';
import { KubeClusterAddons } from './addons/kube-cluster-addons.js';
import { PROMETHEUS_OPERATOR_CRDS, loadModuleCrds, memoizeSuccess } from './addons/module-crds.js';
import type { AddonObject } from '@berth/controller-ports';
import { KubeClusterStorage } from './storage/kube-storage-client.js';

/** The CSI driver whose node ids Nodes carry (`@berth/csi`'s DRIVER_NAME). */
const CSI_DRIVER_NAME = 'volume.berth.dev';

export interface CreateKubeBootstrapOptions {
  /** Berth's data dir: secrets go to `<dataDir>/secrets/`. */
  dataDir: string;
  /** The component cache (`cacheDirFromEnv`). */
  cacheDir: string;
  logger: BootstrapLogger;
  /** The provider's catalog: a worker's capacity is its flavor's. */
  catalog: Pick<CatalogService, 'getFlavor'>;
  /** Default process.env (BERTH_SECRET_KEY, BERTH_COMPONENTS_MIRROR). */
  env?: NodeJS.ProcessEnv;
  /** Default: the repository's components/ directory. */
  componentsDir?: string;
  clock?: () => Date;
  /**
   * Keep the sealed PKI in the Berth store (every replica sharing the database reads it; they
   * must share BERTH_SECRET_KEY). Without it, secrets are sealed files under `<dataDir>/secrets/`.
   */
  sealedSecrets?: SealedSecretBackend;
  /**
   * The platform registry, when the server runs one: where nodes pull pause, CoreDNS and users'
   * images, the CA they trust for it and their pull credential (for the node runtime).
   */
  registry?: PlatformRegistry;
  /** Berth's JWT issuer for directory users; new masters' API servers trust it. */
  userIssuer?: UserIssuer;
  /** Persistent volumes (CSI node plugin, CSIDriver, StorageClasses). */
  storage?: ClusterStorageSetup;
}

export interface KubeBootstrapParts {
  bootstrap: KubeBootstrap;
  /** Reaches clusters' Services, Nodes and EndpointSlices as their admin (same secrets). */
  services: KubeClusterServices;
  /** Reaches clusters' storage objects (PVCs, PVs, VolumeAttachments) as their admin. */
  storage: KubeClusterStorage;
  /** Installs addons in clusters as their admin, with images from the platform registry. */
  addons: KubeClusterAddons;
  /** Queries clusters' Prometheus (the monitoring addon) through their API's service proxy. */
  prometheus: KubeClusterPrometheus;
  /** A verified component binary of a release (e.g. cluster-autoscaler of 1.34). */
  components(binary: string, version: string): Promise<string>;
  /** The exact Kubernetes version of a release. */
  kubernetesVersion(version: string): string;
}

export async function createKubeBootstrap(
  options: CreateKubeBootstrapOptions,
): Promise<KubeBootstrap> {
  return (await createKubeBootstrapParts(options)).bootstrap;
}

export async function createKubeBootstrapParts(
  options: CreateKubeBootstrapOptions,
): Promise<KubeBootstrapParts> {
  const env = options.env ?? process.env;
  const key = await loadSecretKey({ dataDir: options.dataDir, env });
  const mirrorUrl = mirrorUrlFromEnv(env);
  const componentsDir = options.componentsDir ?? defaultComponentsDir();
  const store = createComponentStore({
    cacheDir: options.cacheDir,
    componentsDir,
    runner: new ProcessRunner(),
    ...(mirrorUrl === undefined ? {} : { mirrorUrl }),
  });
  const secrets: SecretStore =
    options.sealedSecrets === undefined
      ? new FileSecretStore({ dir: join(options.dataDir, 'secrets'), key })
      : new SealedSecretStore({ backend: options.sealedSecrets, key });
  const clock = options.clock ?? (() => new Date());
  const bootstrap = new KubeBootstrap({
    secrets,
    components: (binary, version) => store.path(binary, version),
    kubernetesVersion: (version) => store.resolve(version).kubernetesVersion,
    flavor: (name, signal) => options.catalog.getFlavor({ name }, signal),
    nodeAgent: nodeAgentPaths(),
    clock,
    logger: options.logger,
    ...(options.registry === undefined ? {} : { images: nodeImagesFrom(options.registry) }),
    ...(options.userIssuer === undefined ? {} : { userIssuer: options.userIssuer }),
    ...(options.storage === undefined ? {} : { storage: options.storage }),
  });
  const clusterApi = new ClusterApi(
    new ClusterSecrets(secrets, clock),
    DEFAULT_PORTS.apiserver,
    options.logger,
  );
  return {
    bootstrap,
    services: new KubeClusterServices(clusterApi),
    storage: new KubeClusterStorage(clusterApi, CSI_DRIVER_NAME),
    addons: new KubeClusterAddons(
      clusterApi,
      () => options.registry?.platformImages('default').addons ?? {},
      prometheusOperatorCrds(store, componentsDir, options.logger),
    ),
    prometheus: new KubeClusterPrometheus(clusterApi),
    components: (binary, version) => store.path(binary, version),
    kubernetesVersion: (version) => store.resolve(version).kubernetesVersion,
  };
}

/**
 * The monitoring addon's CRDs from the pinned Prometheus Operator module (its version and wrapper
 * module as versions.json has them); none, with a warning, when go cannot fetch the module.
 */
function prometheusOperatorCrds(
  store: ComponentStore,
  componentsDir: string,
  logger: BootstrapLogger,
): (signal: AbortSignal) => Promise<readonly AddonObject[]> {
  const load = memoizeSuccess(async () => {
    const operator = store
      .resolve('default')
      .components.find((c) => c.name === 'prometheus-operator');
    if (operator?.module === undefined) return [];
    return loadModuleCrds({
      runner: new ProcessRunner(),
      goBinary: 'go',
      wrapperDir: join(componentsDir, operator.module),
      module: 'github.com/prometheus-operator/prometheus-operator',
      version: operator.version,
      dir: 'example/prometheus-operator-crd',
      files: PROMETHEUS_OPERATOR_CRDS,
    });
  });
  return async () => {
    try {
      return await load();
    } catch (err) {
      logger.warn({ err }, 'cannot read the Prometheus Operator CRDs from its module');
      return [];
    }
  };
}

/** Real nodes' images from the platform registry: the pause and CoreDNS the release pins. */
function nodeImagesFrom(
  registry: PlatformRegistry,
): (cluster: { project: string; uid: string }, release: string) => Promise<NodeImages> {
  return async (cluster, release) => {
    const refs = registry.platformImages(release);
    return {
      sandbox: refs.pause,
      coredns: refs.coredns,
      registry: { host: registry.endpoint, caPem: registry.caCertificate },
      pullCredential: registry.nodePullCredential(cluster),
    };
  };
}
