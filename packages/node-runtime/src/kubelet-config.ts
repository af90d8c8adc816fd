/**
 * kubelet's and kube-proxy's configuration files on a real node, as pure functions.
 *
 * What is per machine rather than per node group — the cgroup root (the server's own group) and
 * the reservations that make allocatable equal the flavor on a host larger than it — is written
 * at start by node-exec into kubelet's drop-in directory, since only the running machine knows
 * them.
 */
import { stringify } from 'yaml';

export const KUBELET_PATHS = {
  config: '/etc/kubernetes/kubelet-config.yaml',
  dropIns: '/etc/kubernetes/kubelet.conf.d',
  kubeconfig: '/etc/kubernetes/kubelet.conf',
  caCert: '/etc/kubernetes/pki/ca.crt',
  proxyConfig: '/etc/kubernetes/kube-proxy-config.yaml',
  proxyKubeconfig: '/etc/kubernetes/kube-proxy.conf',
} as const;

/** Evictions start when this little memory is left: part of what allocatable leaves out. */
export const EVICTION_MEMORY_MIB = 100;

export interface KubeletConfigInput {
  clusterDns: string;
  clusterDomain: string;
  /** Kubernetes minor, e.g. `1.34`: from 1.35 kubelet refuses cgroup v1 unless told not to. */
  minor: string;
  maxPods?: number;
}

export function renderKubeletConfig(input: KubeletConfigInput): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: KUBELET_PATHS.caCert },
    },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'cgroupfs',
    cgroupsPerQOS: true,
    clusterDNS: [input.clusterDns],
    clusterDomain: input.clusterDomain,
    containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
    enforceNodeAllocatable: ['pods'],
    evictionHard: {
      'memory.available': `${EVICTION_MEMORY_MIB}Mi`,
      'nodefs.available': '5%',
      'nodefs.inodesFree': '5%',
      'imagefs.available': '5%',
    },
    // This host runs cgroup v1 (hybrid); kubelet keeps supporting it when told to.
    failCgroupV1: false,
    failSwapOn: false,
    maxPods: input.maxPods ?? 110,
    // kubelet would otherwise refuse to start when its kernel tunables differ from its defaults;
    // node-exec gives it private copies of the few it writes.
    protectKernelDefaults: false,
    readOnlyPort: 0,
    rotateCertificates: true,
    // The serving certificate comes through a CSR Berth approves once it has checked the
    // node's address against its server: the address is not known when user data is written.
    serverTLSBootstrap: true,
    podLogsDir: '/var/log/pods',
  });
}

export interface KubeProxyConfigInput {
  nodeName: string;
  podsCidr: string;
}

/**
 * kube-proxy in nftables mode. `masqueradeAll`: the pods of a node share a Linux bridge, and
 * without br_netfilter (a host-wide kernel module Berth does not load) a reply from a Service's
 * backend on the same bridge would go back at layer 2, bypassing the NAT that chose it; with
 * every Service connection masqueraded through the node, replies always come back through it.
 * Clients' addresses still reach pods behind load balancers through the PROXY protocol.
 */
export function renderKubeProxyConfig(input: KubeProxyConfigInput): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: KUBELET_PATHS.proxyKubeconfig },
    mode: 'nftables',
    clusterCIDR: input.podsCidr,
    hostnameOverride: input.nodeName,
    metricsBindAddress: '127.0.0.1:10249',
    healthzBindAddress: '127.0.0.1:10256',
    // 0: leave the host-wide conntrack table size alone.
    conntrack: { maxPerCore: 0, min: 0 },
    nftables: { masqueradeAll: true },
  });
}
