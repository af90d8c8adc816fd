/**
 * The composition of the cluster autoscaler on the local provider: Berth's CloudProvider gRPC
 * service on loopback with mutual TLS (a CA made at each start: the autoscalers are this
 * process's children and restart with it), the fleet of per-cluster cluster-autoscaler
 * processes, and the `ClusterAutoscalers` port the autoscaler controller drives.
 */
import path from 'node:path';
import {
  AutoscalerFleet,
  parseStatusReport,
  startCloudProviderServer,
  STATUS_CONFIGMAP,
} from '@berth/autoscaler';
import type { Cluster } from '@berth/api-types';
import type { ClusterAutoscalers } from '@berth/controller-ports';
import { BerthError } from '@berth/errors';
import {
  createCertificateAuthority,
  issueCertificate,
  type KubeBootstrap,
} from '@berth/kube-bootstrap';
import type { InfraProvider } from '@berth/provider-api';
import type { Store } from '@berth/store';
import { AutoscalerBackend } from './autoscaler-backend.js';
import type { Catalog } from './deps.js';
import type { Logger } from 'pino';

export interface ClusterAutoscalersDeps {
  dataDir: string;
  store: Store;
  provider: InfraProvider;
  catalog: Catalog;
  bootstrap: KubeBootstrap;
  components(binary: string, version: string): Promise<string>;
  kubernetesVersion(version: string): string;
  logger: Logger;
}

export interface RunningAutoscalers {
  autoscalers: ClusterAutoscalers;
  /** The CloudProvider service's `host:port`. */
  address: string;
  stop(): Promise<void>;
}

export async function startClusterAutoscalers(
  deps: ClusterAutoscalersDeps,
): Promise<RunningAutoscalers> {
  const ca = await createCertificateAuthority({ commonName: 'berth-autoscaler-ca' });
  const serving = await issueCertificate({
    ca,
    commonName: 'berth-cloud-provider',
    usage: 'server',
    ipAddresses: ['127.0.0.1'],
  });
  const logger = deps.logger.child({ component: 'autoscaler' });
  const server = await startCloudProviderServer({
    backend: new AutoscalerBackend({
      store: deps.store,
      provider: deps.provider,
      catalog: deps.catalog,
      kubernetesVersion: deps.kubernetesVersion,
    }),
    tls: { caPem: ca.certPem, serverCertPem: serving.certPem, serverKeyPem: serving.keyPem },
    logger,
  });
  const fleet = new AutoscalerFleet({
    dir: path.join(deps.dataDir, 'autoscaler'),
    address: server.address,
    caPem: ca.certPem,
    issueClientCertificate: (uid) => issueCertificate({ ca, commonName: uid, usage: 'client' }),
    logger,
  });
  const autoscalers: ClusterAutoscalers = {
    run: async (cluster: Cluster) => {
      const kubeconfig = await deps.bootstrap.autoscalerKubeconfig(cluster);
      if (kubeconfig === undefined) {
        throw new BerthError(
          'BERTH_ERR_UNAVAILABLE',
          `cluster ${cluster.metadata.name} has no API endpoint yet`,
        );
      }
      await fleet.ensure({
        clusterUid: cluster.metadata.uid,
        binary: await deps.components('cluster-autoscaler', cluster.spec.version),
        kubeconfig,
        settings: cluster.spec.autoscaler,
      });
    },
    stop: (uid) => fleet.stop(uid),
    stopAll: () => fleet.stopAll(),
    report: async (cluster, vip, signal) => {
      const data = await deps.bootstrap.readConfigMap(cluster, STATUS_CONFIGMAP, vip, signal);
      if (data === undefined) return undefined;
      return parseStatusReport(data.status ?? '');
    },
  };
  return {
    autoscalers,
    address: server.address,
    stop: async () => {
      await fleet.stopAll();
      await server.stop();
    },
  };
}
