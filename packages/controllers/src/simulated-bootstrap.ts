/**
 * The bootstrap used with the in-memory provider, which runs no processes: user data describes
 * the node (so its hash follows the cluster's version, as real user data does), and readiness is
 * the server's provider status. It never claims a Kubernetes API exists; kubeconfigs come only
 * from the real bootstrap.
 */
import type { UserData } from '@berth/provider-api';
import type {
  ClusterBootstrap,
  ControlPlaneReadiness,
  MasterInput,
  NodeReadiness,
  NodesInput,
  ReadinessInput,
  WorkerInput,
} from '@berth/controller-ports';

export class SimulatedBootstrap implements ClusterBootstrap {
  async masterUserData(input: MasterInput): Promise<UserData> {
    const { cluster, master, masters } = input;
    return describe({
      role: 'master',
      cluster: cluster.metadata.uid,
      version: cluster.spec.version,
      name: master.name,
      etcdPeers: masters.map((m) => m.address),
    });
  }

  async workerUserData(input: WorkerInput): Promise<UserData> {
    const { cluster, nodeGroup, serverName } = input;
    return describe({
      role: 'worker',
      cluster: cluster.metadata.uid,
      version: cluster.spec.version,
      name: serverName,
      labels: nodeGroup.spec.labels,
      taints: nodeGroup.spec.taints,
    });
  }

  async controlPlaneReadiness(input: ReadinessInput): Promise<ControlPlaneReadiness> {
    const down = input.masters.filter((m) => m.status !== 'ACTIVE');
    if (down.length > 0) {
      return {
        ready: false,
        reason: 'MastersDown',
        message: `masters not active: ${down.map((m) => m.name).join(', ')}`,
        downMasters: down.map((m) => m.name),
      };
    }
    return {
      ready: true,
      reason: 'MastersActive',
      message: `${input.masters.length} simulated masters active`,
    };
  }

  async nodeReadiness(input: NodesInput): Promise<Map<string, NodeReadiness>> {
    return new Map(
      input.servers.map((s) => [
        s.name,
        {
          ready: s.status === 'ACTIVE',
          reason: s.status === 'ACTIVE' ? 'ServerActive' : `Server${s.status}`,
        },
      ]),
    );
  }

  /** Simulated masters keep no data, so replacing one is always safe. */
  masterReplacementRefusal(): string | undefined {
    return undefined;
  }

  async drainNode(): Promise<void> {}

  async forgetCluster(): Promise<void> {}
}

function describe(node: Record<string, unknown>): UserData {
  return {
    files: [{ path: '/etc/berth/node.json', content: JSON.stringify(node), mode: 0o644 }],
    services: [],
  };
}
