/**
 * Command lines of the control-plane components, as pure functions of their inputs (golden
 * tested). Flags follow what kubeadm sets for a stacked control plane; file paths are inputs
 * because the caller decides where a server keeps its PKI.
 */
import { auditLogArgs, type AuditLogFlagsInput } from './audit-policy.js';

export interface EtcdFlagsInput {
  name: string;
  dataDir: string;
  /** e.g. `https://10.0.0.5:2379`; also advertised. */
  clientUrl: string;
  /** e.g. `https://10.0.0.5:2380`; also advertised. */
  peerUrl: string;
  /** Where clients may connect; default `[clientUrl]`. Masters add `https://127.0.0.1:2379`. */
  listenClientUrls?: string[];
  /** `name=peerUrl` for every member, this one included. */
  initialCluster: Record<string, string>;
  initialClusterState: 'new' | 'existing';
  pki: {
    caFile: string;
    certFile: string;
    keyFile: string;
    peerCertFile: string;
    peerKeyFile: string;
  };
}

export function etcdArgs(input: EtcdFlagsInput): string[] {
  const cluster = Object.entries(input.initialCluster)
    .map(([name, url]) => `${name}=${url}`)
    .join(',');
  return [
    `--name=${input.name}`,
    `--data-dir=${input.dataDir}`,
    `--listen-client-urls=${unique(input.listenClientUrls ?? [input.clientUrl]).join(',')}`,
    `--advertise-client-urls=${input.clientUrl}`,
    `--listen-peer-urls=${input.peerUrl}`,
    `--initial-advertise-peer-urls=${input.peerUrl}`,
    `--initial-cluster=${cluster}`,
    `--initial-cluster-state=${input.initialClusterState}`,
    '--client-cert-auth=true',
    `--trusted-ca-file=${input.pki.caFile}`,
    `--cert-file=${input.pki.certFile}`,
    `--key-file=${input.pki.keyFile}`,
    '--peer-client-cert-auth=true',
    `--peer-trusted-ca-file=${input.pki.caFile}`,
    `--peer-cert-file=${input.pki.peerCertFile}`,
    `--peer-key-file=${input.pki.peerKeyFile}`,
    '--snapshot-count=10000',
  ];
}

export interface ApiserverFlagsInput {
  advertiseAddress: string;
  bindAddress: string;
  securePort: number;
  etcdServers: string[];
  serviceClusterIpRange: string;
  /** e.g. `https://kubernetes.default.svc.cluster.local`. */
  serviceAccountIssuer: string;
  authorizationModes: string[];
  /** The aggregation layer: the apiserver proxies to extension servers as `front-proxy-client`. */
  frontProxy?: { caFile: string; clientCertFile: string; clientKeyFile: string };
  /** Structured authentication (Berth's JWT issuer for directory users), see authentication-config.ts. */
  authenticationConfigFile?: string;
  /** API audit logging (audit-policy.ts). */
  audit?: AuditLogFlagsInput;
  /** The client certificate the apiserver presents to kubelets (logs, exec, port-forward). */
  kubeletClient?: { certFile: string; keyFile: string };
  /**
   * On SIGTERM, keep serving this long with `/readyz` failing, so the API load balancer's health
   * monitor takes the master out before it stops accepting requests.
   */
  shutdownDelaySeconds?: number;
  pki: {
    caFile: string;
    certFile: string;
    keyFile: string;
    etcdCaFile: string;
    etcdCertFile: string;
    etcdKeyFile: string;
    serviceAccountKeyFile: string;
    serviceAccountSigningKeyFile: string;
  };
}

export function apiserverArgs(input: ApiserverFlagsInput): string[] {
  return [
    `--advertise-address=${input.advertiseAddress}`,
    // Masters advertise their own address; only a control plane on loopback (the tests') does
    // not, and from 1.37 the `kubernetes` Service's endpoint reconciler refuses a loopback
    // address, so there it keeps no endpoints.
    ...(input.advertiseAddress.startsWith('127.') ? ['--endpoint-reconciler-type=none'] : []),
    `--bind-address=${input.bindAddress}`,
    `--secure-port=${input.securePort}`,
    '--allow-privileged=true',
    `--authorization-mode=${input.authorizationModes.join(',')}`,
    '--enable-admission-plugins=NodeRestriction',
    '--enable-bootstrap-token-auth=true',
    `--client-ca-file=${input.pki.caFile}`,
    `--tls-cert-file=${input.pki.certFile}`,
    `--tls-private-key-file=${input.pki.keyFile}`,
    `--etcd-servers=${input.etcdServers.join(',')}`,
    `--etcd-cafile=${input.pki.etcdCaFile}`,
    `--etcd-certfile=${input.pki.etcdCertFile}`,
    `--etcd-keyfile=${input.pki.etcdKeyFile}`,
    `--service-cluster-ip-range=${input.serviceClusterIpRange}`,
    `--service-account-issuer=${input.serviceAccountIssuer}`,
    `--service-account-key-file=${input.pki.serviceAccountKeyFile}`,
    `--service-account-signing-key-file=${input.pki.serviceAccountSigningKeyFile}`,
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    ...(input.authenticationConfigFile
      ? [`--authentication-config=${input.authenticationConfigFile}`]
      : []),
    ...(input.audit ? auditLogArgs(input.audit) : []),
    ...(input.kubeletClient ? kubeletClientArgs(input.kubeletClient, input.pki.caFile) : []),
    ...(input.frontProxy ? frontProxyArgs(input.frontProxy) : []),
    ...(input.shutdownDelaySeconds === undefined
      ? []
      : [`--shutdown-delay-duration=${input.shutdownDelaySeconds}s`]),
  ];
}

/**
 * How kube-apiserver reaches kubelets (logs, exec, port-forward): with its client certificate,
 * verifying each kubelet's serving certificate against the cluster CA (kubelets get theirs
 * through CSRs Berth approves, see csr-approval.ts).
 */
function kubeletClientArgs(k: { certFile: string; keyFile: string }, caFile: string): string[] {
  return [
    `--kubelet-client-certificate=${k.certFile}`,
    `--kubelet-client-key=${k.keyFile}`,
    `--kubelet-certificate-authority=${caFile}`,
  ];
}

/** The request-header flags kubeadm sets so aggregated APIs can trust the proxied user. */
function frontProxyArgs(f: { caFile: string; clientCertFile: string; clientKeyFile: string }) {
  return [
    `--requestheader-client-ca-file=${f.caFile}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${f.clientCertFile}`,
    `--proxy-client-key-file=${f.clientKeyFile}`,
    // Dial an aggregated API's endpoints (pod IPs), not its Service IP: masters run no kube-proxy,
    // so a ClusterIP means nothing there; the pods CIDR is routed to the nodes by the cluster
    // router (docs/addons.md#metrics-server).
    '--enable-aggregator-routing=true',
  ];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
