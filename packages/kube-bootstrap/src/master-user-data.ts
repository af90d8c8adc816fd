/**
 * A master's user data, as a pure function of the cluster's plan, its certificates and where the
 * binaries are: the PKI files kubeadm would write, the controller-manager's and scheduler's
 * kubeconfigs, and the stacked control plane as four services — etcd, kube-apiserver (talking to
 * its local etcd member), kube-controller-manager and kube-scheduler (talking to the local
 * apiserver, electing leaders among the masters). Paths are relative: services run in `/`.
 * etcd starts through `etcd-member.js`, which makes a master recreated with an empty disk rejoin
 * the other members instead of bootstrapping a cluster of its own.
 */
import type { UserData, UserDataFile, UserDataService } from '@berth/provider-api';
import type { ClusterAuthorities, MasterCertificates } from './cluster-certs.js';
import {
  renderAuthenticationConfig,
  type AuthenticationConfigInput,
} from './authentication-config.js';
import { AUDIT_POLICY } from './audit-policy.js';
import { apiserverArgs, etcdArgs } from './component-flags.js';
import { controllerManagerArgs, schedulerArgs } from './controller-flags.js';
import { renderClientCertKubeconfig, renderTokenKubeconfig } from './kubeconfig.js';
import { asFile, paths, type MasterPorts } from './layout.js';

export interface MasterUserDataInput {
  clusterName: string;
  /** Kubernetes minor the binaries are, e.g. `1.37` (flags differ by minor); absent: before 1.37. */
  minor?: string;
  /**
   * `advertiseAddress` (default: `address`) is what the apiserver publishes as the `kubernetes`
   * Service's endpoint; tests on loopback set a non-loopback one, which the API requires.
   */
  master: { name: string; address: string; advertiseAddress?: string };
  /** Every master, this one included: etcd's initial cluster. */
  masters: { name: string; address: string }[];
  network: { podsCidr: string; servicesCidr: string };
  ports: MasterPorts;
  binaries: {
    etcd: string;
    kubeApiserver: string;
    kubeControllerManager: string;
    kubeScheduler: string;
    /** The Node.js runtime and `dist/node-agent/etcd-member.js`, which start etcd (see there). */
    node: string;
    etcdMemberScript: string;
  };
  authorities: ClusterAuthorities;
  certs: MasterCertificates;
  /**
   * Berth's JWT issuer for directory users: the apiserver accepts its tokens for this cluster.
   * Absent (a server without the platform registry's address, or a test): client certificates
   * and service accounts only.
   */
  authentication?: AuthenticationConfigInput;
  /** API audit logging to `paths.auditLog` with `AUDIT_POLICY` (clusters created with it). */
  audit?: boolean;
  /** Also send the audit events to Berth (clusters created with the issuer), with the CA to trust. */
  auditWebhook?: { server: string; token: string; caPem: string };
}

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export function renderMasterUserData(input: MasterUserDataInput): UserData {
  return { files: masterFiles(input), services: masterServices(input) };
}

function masterFiles(input: MasterUserDataInput): UserDataFile[] {
  const { authorities: cas, certs } = input;
  const pub = (path: string, content: string) => ({ path: asFile(path), content, mode: 0o644 });
  const secret = (path: string, content: string) => ({ path: asFile(path), content, mode: 0o600 });
  const local = `https://${input.master.address}:${input.ports.apiserver}`;
  const kubeconfig = (userName: string, cert: { certPem: string; keyPem: string }) =>
    renderClientCertKubeconfig({
      clusterName: input.clusterName,
      userName,
      server: local,
      caPem: cas.ca.certPem,
      ...cert,
    });
  return [
    pub(paths.caCert, cas.ca.certPem),
    secret(paths.caKey, cas.ca.keyPem),
    pub(paths.apiserverCert, certs.apiserver.certPem),
    secret(paths.apiserverKey, certs.apiserver.keyPem),
    pub(paths.apiserverKubeletClientCert, certs.apiserverKubeletClient.certPem),
    secret(paths.apiserverKubeletClientKey, certs.apiserverKubeletClient.keyPem),
    pub(paths.apiserverEtcdClientCert, certs.apiserverEtcdClient.certPem),
    secret(paths.apiserverEtcdClientKey, certs.apiserverEtcdClient.keyPem),
    pub(paths.frontProxyCaCert, cas.frontProxyCa.certPem),
    pub(paths.frontProxyClientCert, certs.frontProxyClient.certPem),
    secret(paths.frontProxyClientKey, certs.frontProxyClient.keyPem),
    secret(paths.saKey, cas.serviceAccount.privateKeyPem),
    pub(paths.saPub, cas.serviceAccount.publicKeyPem),
    pub(paths.etcdCaCert, cas.etcdCa.certPem),
    pub(paths.etcdServerCert, certs.etcdServer.certPem),
    secret(paths.etcdServerKey, certs.etcdServer.keyPem),
    pub(paths.etcdPeerCert, certs.etcdPeer.certPem),
    secret(paths.etcdPeerKey, certs.etcdPeer.keyPem),
    secret(
      paths.controllerManagerConf,
      kubeconfig('system:kube-controller-manager', certs.controllerManager),
    ),
    secret(paths.schedulerConf, kubeconfig('system:kube-scheduler', certs.scheduler)),
    ...(input.authentication
      ? [pub(paths.authenticationConfig, renderAuthenticationConfig(input.authentication))]
      : []),
    ...(input.audit ? [pub(paths.auditPolicy, AUDIT_POLICY)] : []),
    ...(input.audit && input.auditWebhook
      ? [
          secret(
            paths.auditWebhookConf,
            renderTokenKubeconfig({ name: 'berth-audit', ...input.auditWebhook }),
          ),
        ]
      : []),
  ];
}

/**
 * A master that stops (replaced in an upgrade, repaired, stopped) keeps its API server serving
 * for this long with `/readyz` failing: the API load balancer's monitor (every 2 s, out after 3
 * failures) takes it out first, so clients see no errors. Its etcd stops only after it (services
 * stop in the reverse of their `after` order).
 */
const API_SHUTDOWN_DELAY_SECONDS = 12;
/** Time after the delay for requests in flight to finish before SIGKILL. */
const API_DRAIN_SECONDS = 20;

function masterServices(input: MasterUserDataInput): UserDataService[] {
  const { master, ports, binaries } = input;
  const peer = (address: string) => `https://${address}:${ports.etcdPeer}`;
  const clientUrl = `https://${master.address}:${ports.etcdClient}`;
  const etcd = etcdArgs({
    name: master.name,
    dataDir: paths.etcdData,
    clientUrl,
    listenClientUrls: [clientUrl, `https://127.0.0.1:${ports.etcdClient}`],
    peerUrl: peer(master.address),
    initialCluster: Object.fromEntries(input.masters.map((m) => [m.name, peer(m.address)])),
    // Ignored once the data dir exists, so restarts keep their membership.
    initialClusterState: 'new',
    pki: {
      caFile: paths.etcdCaCert,
      certFile: paths.etcdServerCert,
      keyFile: paths.etcdServerKey,
      peerCertFile: paths.etcdPeerCert,
      peerKeyFile: paths.etcdPeerKey,
    },
  });
  const apiserver = apiserverArgs({
    advertiseAddress: master.advertiseAddress ?? master.address,
    bindAddress: '0.0.0.0',
    securePort: ports.apiserver,
    etcdServers: [`https://127.0.0.1:${ports.etcdClient}`],
    serviceClusterIpRange: input.network.servicesCidr,
    serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
    authorizationModes: ['Node', 'RBAC'],
    ...(input.authentication ? { authenticationConfigFile: paths.authenticationConfig } : {}),
    ...(input.audit
      ? {
          audit: {
            policyFile: paths.auditPolicy,
            logFile: paths.auditLog,
            ...(input.auditWebhook ? { webhookConfigFile: paths.auditWebhookConf } : {}),
          },
        }
      : {}),
    shutdownDelaySeconds: API_SHUTDOWN_DELAY_SECONDS,
    kubeletClient: {
      certFile: paths.apiserverKubeletClientCert,
      keyFile: paths.apiserverKubeletClientKey,
    },
    frontProxy: {
      caFile: paths.frontProxyCaCert,
      clientCertFile: paths.frontProxyClientCert,
      clientKeyFile: paths.frontProxyClientKey,
    },
    pki: {
      caFile: paths.caCert,
      certFile: paths.apiserverCert,
      keyFile: paths.apiserverKey,
      etcdCaFile: paths.etcdCaCert,
      etcdCertFile: paths.apiserverEtcdClientCert,
      etcdKeyFile: paths.apiserverEtcdClientKey,
      serviceAccountKeyFile: paths.saPub,
      serviceAccountSigningKeyFile: paths.saKey,
    },
  });
  const controllerManager = controllerManagerArgs({
    ...(input.minor === undefined ? {} : { minor: input.minor }),
    kubeconfig: paths.controllerManagerConf,
    bindAddress: '127.0.0.1',
    securePort: ports.controllerManager,
    clusterName: input.clusterName,
    clusterCidr: input.network.podsCidr,
    serviceClusterIpRange: input.network.servicesCidr,
    pki: {
      caFile: paths.caCert,
      caKeyFile: paths.caKey,
      frontProxyCaFile: paths.frontProxyCaCert,
      serviceAccountPrivateKeyFile: paths.saKey,
    },
  });
  const scheduler = schedulerArgs({
    kubeconfig: paths.schedulerConf,
    bindAddress: '127.0.0.1',
    securePort: ports.scheduler,
  });
  const others = input.masters.filter((m) => m.name !== master.name);
  const etcdMember = [
    binaries.node,
    binaries.etcdMemberScript,
    `--name=${master.name}`,
    `--peer-url=${peer(master.address)}`,
    `--data-dir=${paths.etcdData}`,
    `--members=${others.map((m) => `https://${m.address}:${ports.etcdClient}`).join(',')}`,
    `--cacert=${paths.etcdCaCert}`,
    `--cert=${paths.apiserverEtcdClientCert}`,
    `--key=${paths.apiserverEtcdClientKey}`,
    '--',
  ];
  return [
    service('etcd', [...etcdMember, binaries.etcd, ...etcd]),
    {
      ...service('kube-apiserver', [binaries.kubeApiserver, ...apiserver], ['etcd']),
      stopTimeoutSec: API_SHUTDOWN_DELAY_SECONDS + API_DRAIN_SECONDS,
    },
    service(
      'kube-controller-manager',
      [binaries.kubeControllerManager, ...controllerManager],
      ['kube-apiserver'],
    ),
    service('kube-scheduler', [binaries.kubeScheduler, ...scheduler], ['kube-apiserver']),
  ];
}

/** A long-running component: restarted whenever it exits, run from the server's root. */
function service(name: string, command: string[], after?: string[]): UserDataService {
  return {
    name,
    command,
    workingDir: '/',
    restart: 'always',
    ...(after === undefined ? {} : { after }),
  };
}
