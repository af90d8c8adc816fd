/**
 * What one cluster's cluster-autoscaler runs with, as pure functions: its command line and its
 * externalgrpc cloud-config. Golden-tested; the fleet writes them and starts the process.
 */
import { stringify } from 'yaml';

/** The cluster-wide settings (`spec.autoscaler`). */
export interface ScaleDownSettings {
  scaleDownUnneededSeconds: number;
  scaleDownUtilizationThreshold: number;
  scaleDownDelayAfterAddSeconds: number;
}

export interface AutoscalerFiles {
  kubeconfig: string;
  cloudConfig: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
}

/** The file names inside the cluster's autoscaler directory. */
export function filesIn(dir: string): AutoscalerFiles {
  return {
    kubeconfig: `${dir}/kubeconfig`,
    cloudConfig: `${dir}/cloud-config.yaml`,
    caCert: `${dir}/ca.crt`,
    clientCert: `${dir}/client.crt`,
    clientKey: `${dir}/client.key`,
  };
}

/** externalgrpc's cloud-config: where Berth's service is, and the mTLS files. */
export function renderCloudConfig(input: { address: string; files: AutoscalerFiles }): string {
  return stringify({
    address: input.address,
    cert: input.files.clientCert,
    key: input.files.clientKey,
    cacert: input.files.caCert,
    grpc_timeout: '10s',
  });
}

/**
 * The command line. Leader election is off: Berth runs exactly one autoscaler per cluster (on
 * its leader) and supervises it. Nodes with emptyDir pods may be removed (Berth's nodes hold
 * nothing a pod needs after it moves); groups below their min are raised to it; the metrics
 * and health endpoint listens on a loopback port of its own (the default :8085 would collide
 * between clusters).
 */
export function autoscalerArgs(input: {
  files: AutoscalerFiles;
  settings: ScaleDownSettings;
  statusPort: number;
}): string[] {
  const { files, settings } = input;
  return [
    '--cloud-provider=externalgrpc',
    `--cloud-config=${files.cloudConfig}`,
    `--kubeconfig=${files.kubeconfig}`,
    '--leader-elect=false',
    `--address=127.0.0.1:${input.statusPort}`,
    '--scan-interval=10s',
    `--scale-down-unneeded-time=${settings.scaleDownUnneededSeconds}s`,
    `--scale-down-utilization-threshold=${settings.scaleDownUtilizationThreshold}`,
    `--scale-down-delay-after-add=${settings.scaleDownDelayAfterAddSeconds}s`,
    // A node that held pods is looked at again after the unneeded time (at most upstream's 5 m),
    // so a short unneeded time is not stretched to 5 minutes by one busy moment.
    `--unremovable-node-recheck-timeout=${Math.min(Math.max(settings.scaleDownUnneededSeconds, 10), 300)}s`,
    '--scale-down-delay-after-delete=0s',
    '--skip-nodes-with-local-storage=false',
    '--enforce-node-group-min-size=true',
    '--expander=least-waste',
    '--max-node-provision-time=10m',
    '--logtostderr=true',
    '--v=2',
  ];
}
