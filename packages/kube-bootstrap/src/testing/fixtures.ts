/** Objects and fakes for KubeBootstrap's unit tests: a defaulted cluster, a node group, secrets in memory. */
import {
  applyClusterDefaults,
  applyNodeGroupDefaults,
  type Cluster,
  type ClusterSpecInput,
  type NodeGroup,
  type NodeGroupSpecInput,
} from '@berth/api-types';
import type { SecretStore } from '../secret-store.js';

export function testCluster(name = 'demo', input: ClusterSpecInput = {}): Cluster {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name,
      project: 'default',
      uid: `uid-${name}`,
      generation: 1,
      resourceVersion: '1',
      labels: {},
      createdAt: '2026-06-01T00:00:00.000Z',
    },
    spec: applyClusterDefaults(input, { defaultVersion: '1.34' }),
    status: { phase: 'Provisioning', conditions: [], observedGeneration: 0 },
  };
}

export function testNodeGroup(
  cluster: Cluster,
  name: string,
  input: NodeGroupSpecInput = {},
): NodeGroup {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'NodeGroup',
    metadata: { ...cluster.metadata, name, uid: `uid-ng-${name}`, cluster: cluster.metadata.name },
    spec: applyNodeGroupDefaults(input, cluster.spec.zones[0]!),
    status: {
      phase: 'Provisioning',
      replicas: 0,
      readyReplicas: 0,
      conditions: [],
      observedGeneration: 0,
    },
  };
}

/** A SecretStore in memory, counting writes (tests check that reads do not create). */
export class MemorySecretStore implements SecretStore {
  readonly data = new Map<string, Map<string, string>>();
  writes = 0;

  async get(clusterUid: string, name: string): Promise<string | undefined> {
    return this.data.get(clusterUid)?.get(name);
  }

  async put(clusterUid: string, name: string, value: string): Promise<void> {
    this.writes++;
    const entries = this.data.get(clusterUid) ?? new Map<string, string>();
    entries.set(name, value);
    this.data.set(clusterUid, entries);
  }

  async delete(clusterUid: string, name: string): Promise<void> {
    this.data.get(clusterUid)?.delete(name);
  }

  async deleteCluster(clusterUid: string): Promise<void> {
    this.data.delete(clusterUid);
  }
}
