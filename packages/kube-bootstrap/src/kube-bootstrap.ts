/**
 * The real ClusterBootstrap: kubeadm-style PKI kept encrypted per cluster, masters that run a
 * stacked control plane, workers that run the simulated kubelet (registration + kwok), and
 * readiness, drain and kubeconfigs answered by the cluster's own API. Every method is safe to
 * repeat: certificates are made once and reused, so the same input renders the same user data.
 */
import type { Cluster } from '@berth/api-types';
import type {
  ClusterBootstrap,
  ControlPlaneReadiness,
  DrainInput,
  MasterInput,
  NodeReadiness,
  NodesInput,
  ReadinessInput,
  WorkerInput,
} from '@berth/controller-ports';
import { BerthError, isBerthError } from '@berth/errors';
import type { UserData } from '@berth/provider-api';
import { ADMIN_USER, AUTOSCALER_USER } from './cluster-certs.js';
import { ClusterApi, type BootstrapLogger } from './cluster-api.js';
import { ClusterSecrets } from './cluster-secrets.js';
import { controlPlaneHealth } from './control-plane-health.js';
import { approveServingCsrs } from './csr-approval.js';
import { drainNode, releasePodsOf } from './drain.js';
import {
  renderClientCertKubeconfig,
  renderExecKubeconfig,
  type ExecKubeconfigInput,
} from './kubeconfig.js';
import { DEFAULT_PORTS, type MasterPorts } from './layout.js';
import { renderMasterUserData } from './master-user-data.js';
import { certificateInventory, type CertificateInfo } from './certificate-inventory.js';
import type { MasterCertificates } from './cluster-certs.js';
import type { NodeAgentPaths } from './node-agent-paths.js';
import { nodeSettableLabels, nodeSpec } from './node-spec.js';
import { listNodes, usableReadinessOf } from './node-readiness.js';
import { applyBootstrapRbac, applyObjects } from './rbac.js';
import { clusterDnsObjects, type KubeObject } from './cluster-dns.js';
import type { KubeClient } from './kube-client.js';
import { applyRestrictedLabels, missingRestrictedLabels } from './restricted-labels.js';
import type { SecretStore } from './secret-store.js';
import { renderWorkerUserData } from './worker-user-data.js';
import { dirname } from 'node:path';
import { nthAddress } from '@berth/net';
import { renderRealNodeUserData, ROOT_DISK_DEVICE } from '@berth/node-runtime';
import type { IssuedCertificate } from './pki.js';

export type { BootstrapLogger } from './cluster-api.js';

export interface NodeImages {
  /** e.g. `198.18.0.1:5000/berth/pause:3.10.1`. */
  sandbox: string;
  coredns: string;
  /** The registry they are pulled from, as nodes reach it, and its CA. */
  registry?: { host: string; caPem: string };
  /** What the cluster's nodes pull its project's images from that registry with. */
  pullCredential?: { username: string; password: string };
}

export interface KubeBootstrapDeps {
  secrets: SecretStore;
  /** Verified host path of a component binary for a cluster version (`1.34`, `1.34.10`). */
  components: (binary: string, version: string) => Promise<string>;
  /** The exact Kubernetes version a cluster version runs, e.g. `1.34` → `v1.34.10`. */
  kubernetesVersion: (version: string) => string;
  /** vCPUs and memory of a flavor: a worker's capacity. */
  flavor: (
    name: string,
    signal: AbortSignal,
  ) => Promise<{ name: string; vcpus: number; ramMiB: number }>;
  /** The Node.js runtime and the scripts servers run (host paths; `nodeAgentPaths()`). */
  nodeAgent: NodeAgentPaths;
  clock: () => Date;
  logger: BootstrapLogger;
  /**
   * Whether Berth may talk to a cluster's VIP inside its network (true where Berth runs in a
   * network routed to tenant networks). Default false: only the public API address is used.
   */
  reachPrivateAddresses?: boolean;
  /**
   * The images real nodes run (the pause sandbox, CoreDNS) and the registry they come from,
   * with the CA nodes trust it by. Without it, real nodes cannot start pods.
   */
  /** The images of a release (`1.36`, `1.36.3`): pause and CoreDNS follow the Kubernetes minor. */
  images?: (cluster: { project: string; uid: string }, release: string) => Promise<NodeImages>;
  /** How long one drain may wait for pods to leave before the pass gives up. Default 90 s. */
  drainTimeoutMs?: number;
  /**
   * Berth's JWT issuer for directory users, as masters reach it: new masters' API servers accept
   * its tokens (audience per cluster). Absent: clusters accept client certificates only.
   */
  userIssuer?: UserIssuer;
  ports?: MasterPorts;
  /**
   * Persistent volumes: the CSI node plugin real nodes run, and the objects every cluster gets
   * (the CSIDriver, a StorageClass per volume type). Absent: clusters have no volumes.
   */
  storage?: ClusterStorageSetup;
}

export interface ClusterStorageSetup {
  /** The node plugin's program and the verified `csi.proto` it loads (host paths). */
  nodePlugin(signal: AbortSignal): Promise<{ script: string; protoFile: string }>;
  /** The driver's cluster objects, applied with server-side apply. */
  objects(signal: AbortSignal): Promise<KubeObject[]>;
}

const DRAIN_TIMEOUT_MS = 90_000;
/** As kubeadm: two, spread over nodes when there are two. */
const CLUSTER_DNS_REPLICAS = 2;

export interface UserIssuer {
  /** e.g. `https://198.18.0.1:5000/oidc`. */
  issuerUrl: string;
  /** The CA of the issuer's serving certificate. */
  caPem: string;
  /** The audience a cluster's tokens carry. */
  audience(clusterUid: string): string;
  /** Where the cluster's API servers send audit events (Berth's front), with their token. */
  auditWebhook?(clusterUid: string): { server: string; token: string };
}

export class KubeBootstrap implements ClusterBootstrap {
  readonly #secrets: ClusterSecrets;
  readonly #api: ClusterApi;
  readonly #ports: MasterPorts;
  /** Clusters whose bootstrap RBAC and DNS this process applied (re-applied after a restart). */
  /**
   * The control-plane release each cluster's system objects (RBAC, CoreDNS, storage classes) were
   * last applied for: applied again when it changes, so an upgrade brings the release's CoreDNS.
   */
  readonly #systemApplied = new Map<string, string>();

  constructor(private readonly deps: KubeBootstrapDeps) {
    this.#secrets = new ClusterSecrets(deps.secrets, deps.clock);
    this.#ports = deps.ports ?? DEFAULT_PORTS;
    this.#api = new ClusterApi(
      this.#secrets,
      this.#ports.apiserver,
      deps.logger,
      deps.reachPrivateAddresses ?? false,
    );
  }

  async masterUserData(input: MasterInput): Promise<UserData> {
    const { cluster, master, masters } = input;
    const uid = cluster.metadata.uid;
    await this.#secrets.rememberApiAddress(uid, input.apiAddress);
    // Pinned before the PKI exists, so a new cluster records the issuer and an older one none.
    const current = this.deps.userIssuer;
    const issuer = await this.#secrets.userIssuer(
      uid,
      current && {
        issuerUrl: current.issuerUrl,
        caPem: current.caPem,
        audience: current.audience(uid),
        ...(current.auditWebhook ? { auditWebhook: current.auditWebhook(uid) } : {}),
      },
    );
    const audit = await this.#secrets.auditLogging(uid);
    const renewal = cluster.spec.certificateRenewal;
    if (renewal !== undefined) await this.#secrets.renewAdminCertificate(uid, renewal);
    const version = cluster.spec.version;
    const bin = (name: string) => this.deps.components(name, version);
    return renderMasterUserData({
      audit,
      clusterName: cluster.metadata.name,
      minor: minorOf(this.deps.kubernetesVersion(version)),
      master: { name: master.name, address: master.address },
      masters: masters.map((m) => ({ name: m.name, address: m.address })),
      network: cluster.spec.network,
      ports: this.#ports,
      binaries: {
        etcd: await bin('etcd'),
        kubeApiserver: await bin('kube-apiserver'),
        kubeControllerManager: await bin('kube-controller-manager'),
        kubeScheduler: await bin('kube-scheduler'),
        node: this.deps.nodeAgent.node,
        etcdMemberScript: this.deps.nodeAgent.etcdMemberScript,
      },
      authorities: await this.#secrets.authorities(uid),
      certs: await this.#secrets.masterCertificates(
        uid,
        {
          name: master.name,
          address: master.address,
          vipAddress: input.vipAddress,
          apiAddress: input.apiAddress,
          servicesCidr: cluster.spec.network.servicesCidr,
        },
        renewal,
      ),
      ...(issuer
        ? {
            authentication: {
              issuerUrl: issuer.issuerUrl,
              caPem: issuer.caPem,
              audience: issuer.audience,
            },
          }
        : {}),
      ...(issuer?.auditWebhook
        ? { auditWebhook: { ...issuer.auditWebhook, caPem: issuer.caPem } }
        : {}),
    });
  }

  async workerUserData(input: WorkerInput, signal: AbortSignal): Promise<UserData> {
    if (input.nodeGroup.spec.runtime === 'simulated') return this.#simulatedWorker(input, signal);
    return this.#realWorker(input, signal);
  }

  /** kubelet, containerd and kube-proxy, configured from the cluster, its group and flavor. */
  async #realWorker(input: WorkerInput, signal: AbortSignal): Promise<UserData> {
    const { cluster, nodeGroup, serverName } = input;
    const uid = cluster.metadata.uid;
    const version = cluster.spec.version;
    const flavor = await this.deps.flavor(nodeGroup.spec.flavor, signal);
    const caPem = (await this.#secrets.authorities(uid)).ca.certPem;
    const apiServer = `https://${input.vipAddress}:${this.#ports.apiserver}`;
    const kubeconfig = (userName: string, cert: IssuedCertificate) =>
      renderClientCertKubeconfig({
        clusterName: cluster.metadata.name,
        userName,
        server: apiServer,
        caPem,
        ...cert,
      });
    const spec = nodeSpec({
      nodeName: serverName,
      nodeGroup: nodeGroup.metadata.name,
      zone: nodeGroup.spec.zone,
      flavor,
      diskGb: nodeGroup.spec.volume.sizeGb,
      labels: nodeGroup.spec.labels,
      taints: nodeGroup.spec.taints,
    });
    const images = await this.#images(cluster, version);
    const csi = await this.deps.storage?.nodePlugin(signal);
    const bin = (name: string) => this.deps.components(name, version);
    const bridge = await bin('bridge');
    return renderRealNodeUserData({
      nodeName: serverName,
      podsCidr: cluster.spec.network.podsCidr,
      kubelet: {
        clusterDns: clusterDnsAddress(cluster.spec.network.servicesCidr),
        clusterDomain: CLUSTER_DOMAIN,
        minor: minorOf(this.deps.kubernetesVersion(version)),
      },
      kubeletKubeconfig: kubeconfig(
        `system:node:${serverName}`,
        await this.#secrets.nodeCertificate(uid, serverName),
      ),
      kubeProxyKubeconfig: kubeconfig(
        'system:kube-proxy',
        await this.#secrets.kubeProxyCertificate(uid),
      ),
      caPem,
      labels: nodeSettableLabels(spec.labels).own,
      taints: spec.taints,
      flavor,
      disk: { device: ROOT_DISK_DEVICE, ...nodeGroup.spec.volume },
      sandboxImage: images.sandbox,
      ...(images.registry === undefined
        ? {}
        : {
            registry: {
              ...images.registry,
              ...(images.pullCredential === undefined ? {} : { credential: images.pullCredential }),
            },
          }),
      binaries: {
        kubelet: await bin('kubelet'),
        kubeProxy: await bin('kube-proxy'),
        containerd: await bin('containerd'),
        runc: await bin('runc'),
        cniBinDir: dirname(bridge),
      },
      ...(csi === undefined
        ? {}
        : { csi: { node: this.deps.nodeAgent.node, ...csi, zone: nodeGroup.spec.zone } }),
    });
  }

  async #images(cluster: Cluster, release: string): Promise<NodeImages> {
    if (this.deps.images === undefined)
      throw new BerthError(
        'BERTH_ERR_UNAVAILABLE',
        'real nodes need the platform registry (pause and CoreDNS images), which this server does not run',
      );
    return this.deps.images(
      { project: cluster.metadata.project, uid: cluster.metadata.uid },
      release,
    );
  }

  /** kwok keeping a Node and its pods' status, without containers. */
  async #simulatedWorker(input: WorkerInput, signal: AbortSignal): Promise<UserData> {
    const { cluster, nodeGroup, serverName } = input;
    const uid = cluster.metadata.uid;
    const flavor = await this.deps.flavor(nodeGroup.spec.flavor, signal);
    return renderWorkerUserData({
      clusterName: cluster.metadata.name,
      apiServer: `https://${input.vipAddress}:${this.#ports.apiserver}`,
      podsCidr: cluster.spec.network.podsCidr,
      kubeletVersion: this.deps.kubernetesVersion(cluster.spec.version),
      node: nodeSpec({
        nodeName: serverName,
        nodeGroup: nodeGroup.metadata.name,
        zone: nodeGroup.spec.zone,
        flavor: { name: flavor.name, vcpus: flavor.vcpus, ramMiB: flavor.ramMiB },
        diskGb: nodeGroup.spec.volume.sizeGb,
        labels: nodeGroup.spec.labels,
        taints: nodeGroup.spec.taints,
      }),
      caPem: (await this.#secrets.authorities(uid)).ca.certPem,
      nodeCert: await this.#secrets.nodeCertificate(uid, serverName),
      binaries: {
        kwok: await this.deps.components('kwok', cluster.spec.version),
        node: this.deps.nodeAgent.node,
        registerScript: this.deps.nodeAgent.registerScript,
      },
    });
  }

  async controlPlaneReadiness(
    input: ReadinessInput,
    signal: AbortSignal,
  ): Promise<ControlPlaneReadiness> {
    const { cluster } = input;
    const found = await this.#api.connect(cluster, input.vipAddress, signal);
    if ('unreachable' in found) {
      return { ready: false, reason: 'ApiUnreachable', message: found.unreachable };
    }
    const masters = input.masters.map((m) => ({
      name: m.name,
      address: m.ports[0]?.fixedIp ?? '',
    }));
    const health = await controlPlaneHealth(found.api, masters, this.deps.clock(), signal);
    if (!health.ready) return health;
    const uid = cluster.metadata.uid;
    const release = controlPlaneRelease(cluster);
    if (this.#systemApplied.get(uid) !== release) {
      try {
        await applyBootstrapRbac(found.api, signal);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return {
          ready: false,
          reason: 'BootstrapRbacFailed',
          message: `applying Berth's RBAC: ${why}`,
        };
      }
      try {
        await this.#applyClusterDns(cluster, release, found.api, signal);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return { ready: false, reason: 'ClusterDnsFailed', message: `applying CoreDNS: ${why}` };
      }
      try {
        if (this.deps.storage !== undefined)
          await applyObjects(found.api, await this.deps.storage.objects(signal), signal);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return {
          ready: false,
          reason: 'StorageClassesFailed',
          message: `applying the CSI driver and StorageClasses: ${why}`,
        };
      }
      this.#systemApplied.set(uid, release);
      this.deps.logger.info(
        { cluster: uid, release },
        'bootstrap RBAC, cluster DNS and storage classes applied',
      );
    }
    return health;
  }

  /** CoreDNS from the platform registry; a server without one runs no DNS (simulated only). */
  async #applyClusterDns(
    cluster: Cluster,
    release: string,
    api: KubeClient,
    signal: AbortSignal,
  ): Promise<void> {
    if (this.deps.images === undefined) return;
    const images = await this.#images(cluster, release);
    const objects = clusterDnsObjects({
      image: images.coredns,
      clusterIp: clusterDnsAddress(cluster.spec.network.servicesCidr),
      clusterDomain: CLUSTER_DOMAIN,
      replicas: CLUSTER_DNS_REPLICAS,
    });
    await applyObjects(api, objects, signal);
  }

  /**
   * Each Node's Ready condition by name. Also adds the node-group labels a node may not set on
   * itself (see restricted-labels.ts), the one write here, and only when one is missing.
   */
  async nodeReadiness(input: NodesInput, signal: AbortSignal): Promise<Map<string, NodeReadiness>> {
    const { cluster, servers } = input;
    if ((await this.#secrets.existingAuthorities(cluster.metadata.uid)) === undefined)
      return new Map();
    const found = await this.#api.connect(cluster, input.vipAddress, signal);
    const unknown = () =>
      new Map(servers.map((s) => [s.name, { ready: false, reason: 'ApiUnreachable' }]));
    if ('unreachable' in found) return unknown();
    try {
      const now = this.deps.clock();
      const { approved, requests } = await approveServingCsrs(
        found.api,
        new Map(servers.map((s) => [s.name, s.ports.map((p) => p.fixedIp)])),
        now,
        signal,
      );
      if (approved.length > 0)
        this.deps.logger.info(
          { cluster: cluster.metadata.uid, approved },
          'kubelet serving CSRs approved',
        );
      const nodes = await listNodes(found.api, signal);
      await applyRestrictedLabels(
        found.api,
        missingRestrictedLabels(cluster, servers, nodes),
        signal,
      );
      return new Map(nodes.map((n) => [n.metadata.name, usableReadinessOf(n, requests, now)]));
    } catch (err) {
      if (isBerthError(err) && err.code === 'BERTH_ERR_UNAVAILABLE') return unknown();
      throw err;
    }
  }

  async drainNode(input: DrainInput, signal: AbortSignal): Promise<void> {
    const { cluster, nodeName } = input;
    const api = await this.#api.require(cluster, input.vipAddress, signal);
    const now = () => this.deps.clock().getTime();
    await drainNode(api, {
      nodeName,
      deadline: now() + (this.deps.drainTimeoutMs ?? DRAIN_TIMEOUT_MS),
      now,
      signal,
    });
    await this.#secrets.forgetNode(cluster.metadata.uid, nodeName);
    this.deps.logger.info({ cluster: cluster.metadata.uid, node: nodeName }, 'node drained');
  }

  async deleteNode(input: DrainInput, signal: AbortSignal): Promise<void> {
    const { cluster, nodeName } = input;
    const log = { cluster: cluster.metadata.uid, node: nodeName };
    await this.#secrets.forgetNode(cluster.metadata.uid, nodeName);
    const found = await this.#api.connect(cluster, input.vipAddress, signal);
    if ('unreachable' in found) {
      this.deps.logger.warn(
        { ...log, why: found.unreachable },
        'node object left: API unreachable',
      );
      return;
    }
    const { api } = found;
    try {
      const deleted = await api.find(
        `delete node ${nodeName}`,
        (k) => k.core.deleteNode({ name: nodeName }),
        { signal },
      );
      if (deleted !== undefined) this.deps.logger.info(log, 'node object deleted');
      const released = await releasePodsOf(api, nodeName, { signal });
      if (released > 0)
        this.deps.logger.info({ ...log, pods: released }, 'pods of the node released');
    } catch (err) {
      this.deps.logger.warn({ ...log, err }, 'node object left: delete failed');
    }
  }

  async forgetCluster(cluster: Cluster): Promise<void> {
    const uid = cluster.metadata.uid;
    await this.#secrets.forget(uid);
    this.#systemApplied.delete(uid);
    this.#api.forget(uid);
  }

  /**
   * The cluster's admin kubeconfig (`kubernetes-admin`, group system:masters), naming the API
   * endpoint in the cluster's status; undefined until the cluster has a PKI and an endpoint.
   */
  async adminKubeconfig(cluster: Cluster): Promise<string | undefined> {
    return this.#kubeconfig(cluster, ADMIN_USER, (uid) => this.#secrets.adminCertificate(uid));
  }

  /**
   * The kubeconfig of the cluster autoscaler Berth runs for the cluster (`berth:cluster-autoscaler`,
   * the rights rbac.ts gives it, nothing more); undefined as for `adminKubeconfig`.
   */
  async autoscalerKubeconfig(cluster: Cluster): Promise<string | undefined> {
    return this.#kubeconfig(cluster, AUTOSCALER_USER, (uid) =>
      this.#secrets.autoscalerCertificate(uid),
    );
  }

  async #kubeconfig(
    cluster: Cluster,
    userName: string,
    certificate: (uid: string) => Promise<IssuedCertificate>,
  ): Promise<string | undefined> {
    const uid = cluster.metadata.uid;
    const server = cluster.status?.apiEndpoint;
    const cas = await this.#secrets.existingAuthorities(uid);
    if (server === undefined || cas === undefined) return undefined;
    return renderClientCertKubeconfig({
      clusterName: cluster.metadata.name,
      userName,
      server,
      caPem: cas.ca.certPem,
      ...(await certificate(uid)),
    });
  }

  /**
   * The cluster's control-plane certificates with their validity (no keys); undefined until the
   * cluster has a PKI. Masters are the plan's names (`<cluster>-master-<i>`) whose certificates
   * were issued.
   */
  async certificates(cluster: Cluster): Promise<CertificateInfo[] | undefined> {
    const uid = cluster.metadata.uid;
    const authorities = await this.#secrets.existingAuthorities(uid);
    if (authorities === undefined) return undefined;
    const masters: Array<{ name: string; certs: MasterCertificates }> = [];
    for (let i = 0; i < 5; i++) {
      const name = `${cluster.metadata.name}-master-${i}`;
      const certs = await this.#secrets.existingMasterCertificates(uid, name);
      if (certs) masters.push({ name, certs });
    }
    const admin = await this.#secrets.existingAdminCertificate(uid);
    return certificateInventory({ authorities, masters, ...(admin ? { admin } : {}) });
  }

  /**
   * A directory user's kubeconfig: the cluster's CA certificate and an exec credential plugin,
   * no client certificate; undefined until the cluster has a PKI and an endpoint.
   */
  async userKubeconfig(
    cluster: Cluster,
    user: { name: string; exec: ExecKubeconfigInput['exec'] },
  ): Promise<string | undefined> {
    const server = cluster.status?.apiEndpoint;
    const cas = await this.#secrets.existingAuthorities(cluster.metadata.uid);
    if (server === undefined || cas === undefined) return undefined;
    if ((await this.#secrets.userIssuer(cluster.metadata.uid, undefined)) === undefined) {
      throw new BerthError(
        'BERTH_ERR_INVALID_STATE',
        `cluster "${cluster.metadata.name}" does not accept directory users: it was created before Berth issued tokens to them, or by a server without the platform registry; use the admin kubeconfig, or recreate the cluster`,
      );
    }
    return renderExecKubeconfig({
      clusterName: cluster.metadata.name,
      userName: user.name,
      server,
      caPem: cas.ca.certPem,
      exec: user.exec,
    });
  }

  /** A ConfigMap's data, or undefined when the cluster's API cannot be reached or it is absent. */
  async readConfigMap(
    cluster: Cluster,
    ref: { namespace: string; name: string },
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<Record<string, string> | undefined> {
    const found = await this.#api.connect(cluster, vipAddress, signal);
    if ('unreachable' in found) return undefined;
    const map = await found.api.find(
      `read configmap ${ref.namespace}/${ref.name}`,
      (k) => k.core.readNamespacedConfigMap(ref),
      { signal },
    );
    return map?.data;
  }
}

/** The cluster's DNS domain; CoreDNS answers for it and kubelet writes it into pods. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** CoreDNS's Service address: the services range's 10th address, as kubeadm chooses it. */
/**
 * The release every master runs: the system objects (CoreDNS) follow it, not `spec.version`,
 * which names an upgrade's target while masters still roll.
 */
function controlPlaneRelease(cluster: Cluster): string {
  return cluster.status?.controlPlaneVersion ?? cluster.spec.version;
}

export function clusterDnsAddress(servicesCidr: string): string {
  return nthAddress(servicesCidr, 10);
}

/** `v1.34.10` → `1.34`. */
function minorOf(version: string): string {
  return version.replace(/^v/, '').split('.').slice(0, 2).join('.');
}
