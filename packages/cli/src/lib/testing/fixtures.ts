/** Objects as the API returns them, for the CLI's tests. */
import type { Cluster, ClusterEvent, Operation } from '@berth/api-types';

/** Ten seconds before the real now, so events stamped "now" belong to the operation. */
const started = () => new Date(Date.now() - 10_000).toISOString();

export function operation(phase: Operation['phase'], extra: Partial<Operation> = {}): Operation {
  return {
    id: 'op-1',
    kind: 'ClusterCreate',
    target: {
      kind: 'Cluster',
      project: 'default',
      cluster: 'demo',
      clusterUid: 'uid-1',
      name: 'demo',
      generation: 1,
    },
    phase,
    progress: phase === 'Succeeded' ? 100 : 20,
    message: phase === 'Succeeded' ? 'cluster is ready' : 'creating servers',
    createdAt: started(),
    updatedAt: started(),
    ...extra,
  };
}

export function clusterEvent(id: number, reason: string, message: string): ClusterEvent {
  return {
    id,
    project: 'default',
    cluster: 'demo',
    type: 'Normal',
    reason,
    message,
    time: new Date().toISOString(),
    operation: 'op-1',
  };
}

export function cluster(name = 'demo', phase: Cluster['status']['phase'] = 'Running'): Cluster {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name,
      project: 'default',
      uid: 'uid-1',
      generation: 1,
      resourceVersion: '7',
      labels: {},
      createdAt: '2025-06-01T11:58:00Z',
    },
    spec: {
      version: '1.34',
      controlPlane: { count: 1, flavor: 'std-2-4' },
      zones: ['az1'],
      network: {
        subnetCidr: '10.0.0.0/24',
        podsCidr: '10.100.0.0/16',
        servicesCidr: '10.254.0.0/16',
      },
      apiAccess: { public: true, allowedCidrs: [] },
      nodeGroups: [],
      autoscaler: {
        scaleDownUnneededSeconds: 600,
        scaleDownUtilizationThreshold: 0.5,
        scaleDownDelayAfterAddSeconds: 600,
      },
      addons: [],
      stopped: false,
    },
    status: {
      phase,
      version: '1.34.2',
      apiEndpoint: 'https://172.24.0.10:6443',
      conditions: [],
      observedGeneration: 1,
    },
  };
}
