/**
 * Command lines of kube-controller-manager and kube-scheduler (flags checked against the
 * v1.34–v1.37 binaries' `--help`), as pure functions of their inputs. Both elect a leader, so every
 * master runs them and one at a time works.
 */

export interface ControllerManagerFlagsInput {
  /**
   * Kubernetes minor of the binary, e.g. `1.37`; absent: before 1.37. Decides which controllers
   * may be named (see `controllersFor`).
   */
  minor?: string;
  /** Kubeconfig of `system:kube-controller-manager`, pointing at the local apiserver. */
  kubeconfig: string;
  bindAddress: string;
  securePort: number;
  clusterName: string;
  /** The cluster's pods range; each node gets a slice of it (`--node-cidr-mask-size`, /24). */
  clusterCidr: string;
  serviceClusterIpRange: string;
  pki: {
    caFile: string;
    caKeyFile: string;
    frontProxyCaFile: string;
    serviceAccountPrivateKeyFile: string;
  };
}

/**
 * Controllers: the defaults plus the bootstrap-token ones kubeadm adds, minus those that need a
 * cloud provider (routes, LoadBalancer Services, cloud node lifecycle): Berth is the cloud here,
 * and its own controllers do that work.
 */
export const CONTROLLERS = [
  '*',
  'bootstrap-signer-controller',
  'token-cleaner-controller',
  '-node-route-controller',
  '-service-lb-controller',
  '-cloud-node-lifecycle-controller',
];

/**
 * `CONTROLLERS` for a minor. kube-controller-manager 1.37 no longer has the in-tree cloud
 * controllers (`cmd/kube-controller-manager/app/controller_descriptor.go` registers them up to
 * 1.36) and refuses to start when `--controllers` names them ("… is not in the list of known
 * controllers"), so from 1.37 they are left out — they cannot run there anyway.
 */
export function controllersFor(minor: string | undefined): string[] {
  const number = minor === undefined ? 0 : Number(minor.split('.')[1]);
  return number >= 37 ? CONTROLLERS.filter((c) => !CLOUD_CONTROLLERS.includes(c)) : CONTROLLERS;
}

const CLOUD_CONTROLLERS = [
  '-node-route-controller',
  '-service-lb-controller',
  '-cloud-node-lifecycle-controller',
];

export function controllerManagerArgs(input: ControllerManagerFlagsInput): string[] {
  return [
    `--kubeconfig=${input.kubeconfig}`,
    `--authentication-kubeconfig=${input.kubeconfig}`,
    `--authorization-kubeconfig=${input.kubeconfig}`,
    `--bind-address=${input.bindAddress}`,
    `--secure-port=${input.securePort}`,
    '--leader-elect=true',
    '--use-service-account-credentials=true',
    `--controllers=${controllersFor(input.minor).join(',')}`,
    `--cluster-name=${input.clusterName}`,
    '--allocate-node-cidrs=true',
    `--cluster-cidr=${input.clusterCidr}`,
    `--service-cluster-ip-range=${input.serviceClusterIpRange}`,
    '--configure-cloud-routes=false',
    `--client-ca-file=${input.pki.caFile}`,
    `--requestheader-client-ca-file=${input.pki.frontProxyCaFile}`,
    `--root-ca-file=${input.pki.caFile}`,
    `--cluster-signing-cert-file=${input.pki.caFile}`,
    `--cluster-signing-key-file=${input.pki.caKeyFile}`,
    `--service-account-private-key-file=${input.pki.serviceAccountPrivateKeyFile}`,
    // Upstream's client limits (20/s, bursts of 30) make a Deployment of 1,000 pods take 50 s
    // just to create its pods; clusters the autoscaler grows by dozens of nodes need more.
    `--kube-api-qps=${CONTROLLER_MANAGER_API_QPS}`,
    `--kube-api-burst=${CONTROLLER_MANAGER_API_QPS * 2}`,
  ];
}

/** kube-controller-manager's requests per second to its apiserver (bursts of twice as many). */
export const CONTROLLER_MANAGER_API_QPS = 100;

export interface SchedulerFlagsInput {
  /** Kubeconfig of `system:kube-scheduler`, pointing at the local apiserver. */
  kubeconfig: string;
  bindAddress: string;
  securePort: number;
}

export function schedulerArgs(input: SchedulerFlagsInput): string[] {
  return [
    `--kubeconfig=${input.kubeconfig}`,
    `--authentication-kubeconfig=${input.kubeconfig}`,
    `--authorization-kubeconfig=${input.kubeconfig}`,
    `--bind-address=${input.bindAddress}`,
    `--secure-port=${input.securePort}`,
    '--leader-elect=true',
  ];
}
