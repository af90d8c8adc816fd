/**
 * A worker's user data: the simulated kubelet. Its identity (`system:node:<name>`, a kubeconfig
 * naming the API VIP), what its Node should say (node.json), and two services — the
 * registration step that creates or updates the Node, then kwok managing only that node: it
 * keeps the node Ready (status heartbeat and Lease) and runs the pods scheduled to it. Stop the
 * server and both stop with it, so the node goes NotReady as a real one would.
 */
import type { UserData, UserDataService } from '@berth/provider-api';
import { renderClientCertKubeconfig } from './kubeconfig.js';
import { kwokArgs, renderKwokConfig } from './kwok-config.js';
import { asFile, paths } from './layout.js';
import type { NodeSpecFile } from './node-spec.js';
import type { IssuedCertificate } from './pki.js';

export interface WorkerUserDataInput {
  clusterName: string;
  /** e.g. `https://10.0.0.5:6443`: the API load balancer's VIP, reachable inside the network. */
  apiServer: string;
  podsCidr: string;
  /** The cluster's Kubernetes version, e.g. `v1.34.10`, reported as the kubelet's. */
  kubeletVersion: string;
  node: NodeSpecFile;
  caPem: string;
  nodeCert: IssuedCertificate;
  binaries: {
    kwok: string;
    /** The Node.js runtime that runs the registration script. */
    node: string;
    /** Absolute path of `dist/node-agent/register.js`. */
    registerScript: string;
  };
}

/** kubelet's default lease; the node-lifecycle controller's grace (50 s) is measured against it. */
export const NODE_LEASE_SECONDS = 40;
const HEARTBEAT_MS = 60_000;

export function renderWorkerUserData(input: WorkerUserDataInput): UserData {
  const kubeconfig = renderClientCertKubeconfig({
    clusterName: input.clusterName,
    userName: `system:node:${input.node.name}`,
    server: input.apiServer,
    caPem: input.caPem,
    ...input.nodeCert,
  });
  return {
    files: [
      { path: asFile(paths.kubeletConf), content: kubeconfig, mode: 0o600 },
      { path: asFile(paths.nodeSpec), content: `${JSON.stringify(input.node, null, 2)}\n` },
      {
        path: asFile(paths.kwokConfig),
        content: renderKwokConfig({
          kubeletVersion: input.kubeletVersion,
          heartbeatMs: HEARTBEAT_MS,
        }),
      },
    ],
    services: workerServices(input),
  };
}

function workerServices(input: WorkerUserDataInput): UserDataService[] {
  const { binaries } = input;
  return [
    {
      name: 'register-node',
      command: [
        binaries.node,
        binaries.registerScript,
        `--kubeconfig=${paths.kubeletConf}`,
        `--spec=${paths.nodeSpec}`,
      ],
      workingDir: '/',
      // Retried with the agent's backoff until the API takes it; success ends it.
      restart: 'on-failure',
    },
    {
      name: 'kwok',
      command: [
        binaries.kwok,
        ...kwokArgs({
          kubeconfig: paths.kubeletConf,
          config: paths.kwokConfig,
          nodeName: input.node.name,
          leaseDurationSeconds: NODE_LEASE_SECONDS,
          fallbackPodCidr: input.podsCidr,
        }),
      ],
      workingDir: '/',
      restart: 'always',
      after: ['register-node'],
    },
  ];
}
