/**
 * Where Kubernetes keeps its files inside a server, as kubeadm lays them out. Paths are relative
 * to the server's root: services run with working directory `/`, so on a VM these are the usual
 * `/etc/kubernetes/...` paths and on the local provider they land under the server's root dir.
 * `asFile` turns one into the absolute path user data names.
 */
export const PKI = 'etc/kubernetes/pki';

export const paths = {
  caCert: `${PKI}/ca.crt`,
  /** On masters only: the controller-manager signs node and CSR certificates with it. */
  caKey: `${PKI}/ca.key`,
  apiserverCert: `${PKI}/apiserver.crt`,
  apiserverKey: `${PKI}/apiserver.key`,
  apiserverKubeletClientCert: `${PKI}/apiserver-kubelet-client.crt`,
  apiserverKubeletClientKey: `${PKI}/apiserver-kubelet-client.key`,
  apiserverEtcdClientCert: `${PKI}/apiserver-etcd-client.crt`,
  apiserverEtcdClientKey: `${PKI}/apiserver-etcd-client.key`,
  frontProxyCaCert: `${PKI}/front-proxy-ca.crt`,
  frontProxyClientCert: `${PKI}/front-proxy-client.crt`,
  frontProxyClientKey: `${PKI}/front-proxy-client.key`,
  saKey: `${PKI}/sa.key`,
  saPub: `${PKI}/sa.pub`,
  etcdCaCert: `${PKI}/etcd/ca.crt`,
  etcdServerCert: `${PKI}/etcd/server.crt`,
  etcdServerKey: `${PKI}/etcd/server.key`,
  etcdPeerCert: `${PKI}/etcd/peer.crt`,
  etcdPeerKey: `${PKI}/etcd/peer.key`,
  controllerManagerConf: 'etc/kubernetes/controller-manager.conf',
  schedulerConf: 'etc/kubernetes/scheduler.conf',
  /** Berth's JWT issuer for directory users (kube-apiserver --authentication-config). */
  authenticationConfig: 'etc/kubernetes/authentication-config.yaml',
  auditPolicy: 'etc/kubernetes/audit-policy.yaml',
  /** Where the API server sends audit events (Berth); holds a token. */
  auditWebhookConf: 'etc/kubernetes/audit-webhook.conf',
  /** The API audit log (JSON lines, rotated beside it). */
  auditLog: 'var/log/kubernetes/audit.log',
  /** The worker's credentials (its `system:node:<name>` identity), used by registration and kwok. */
  kubeletConf: 'etc/kubernetes/kubelet.conf',
  etcdData: 'var/lib/etcd',
  kwokConfig: 'etc/kwok/kwok.yaml',
  nodeSpec: 'etc/berth/node.json',
} as const;

/** Ports a master serves on. Production uses the well-known ones; tests pick free ones. */
export interface MasterPorts {
  apiserver: number;
  etcdClient: number;
  etcdPeer: number;
  controllerManager: number;
  scheduler: number;
}

export const DEFAULT_PORTS: MasterPorts = {
  apiserver: 6443,
  etcdClient: 2379,
  etcdPeer: 2380,
  controllerManager: 10257,
  scheduler: 10259,
};

/** `etc/x` → `/etc/x`: the absolute path inside the server that user data names. */
export function asFile(relative: string): string {
  return `/${relative}`;
}
