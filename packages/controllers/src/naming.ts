/**
 * Names and ownership tags of everything the controllers create. Names are stable functions of
 * the cluster (and slot), so a create repeated after a crash finds the object instead of making
 * a duplicate (the provider contract: create is idempotent by name + tags).
 */
import { createHash } from 'node:crypto';
import type { Cluster, NodeGroup } from '@berth/api-types';
import { TagKeys, type Tags } from '@berth/provider-api';

export function clusterTags(cluster: Cluster): Tags {
  return {
    [TagKeys.cluster]: cluster.metadata.uid,
    [TagKeys.project]: cluster.metadata.project,
    [TagKeys.managedBy]: 'berth',
  };
}

export function roleTags(cluster: Cluster, role: string): Tags {
  return { ...clusterTags(cluster), [TagKeys.role]: role };
}

export function nodeGroupTags(cluster: Cluster, nodeGroup: NodeGroup): Tags {
  return { ...roleTags(cluster, 'worker'), [TagKeys.nodeGroup]: nodeGroup.metadata.uid };
}

/** Tag key naming the uid of the Kubernetes Service a load balancer or floating IP serves. */
export const SERVICE_TAG = 'berth.dev/service';

/** Tags of a Service's load balancer and floating IP: the cluster's, a role, the Service's uid. */
export function serviceTags(
  cluster: Cluster,
  role: 'service-lb' | 'service-fip',
  serviceUid: string,
): Tags {
  return { ...roleTags(cluster, role), [SERVICE_TAG]: serviceUid };
}

export const names = {
  network: (c: Cluster) => `${c.metadata.name}-net`,
  subnet: (c: Cluster) => `${c.metadata.name}-subnet`,
  router: (c: Cluster) => `${c.metadata.name}-router`,
  /** The three security groups the seeds name: base, master, minion. */
  securityGroup: (c: Cluster, kind: 'base' | 'master' | 'minion') => `${c.metadata.name}-${kind}`,
  apiLoadBalancer: (c: Cluster) => `${c.metadata.name}-api`,
  apiListener: (c: Cluster) => `${c.metadata.name}-api-6443`,
  apiPool: (c: Cluster) => `${c.metadata.name}-api-masters`,
  apiMonitor: (c: Cluster) => `${c.metadata.name}-api-readyz`,
  apiFloatingIp: (c: Cluster) => `${c.metadata.name}-api-fip`,
  masterGroup: (c: Cluster) => `${c.metadata.name}-masters`,
  master: (c: Cluster, index: number) => `${c.metadata.name}-master-${index}`,
  workerGroup: (c: Cluster, ng: NodeGroup) => `${c.metadata.name}-${ng.metadata.name}`,
  /** `<cluster>-<group>-<5 chars>`: a DNS label, stable per node-group slot. */
  worker: (c: Cluster, ng: NodeGroup, slot: number) =>
    `${c.metadata.name}-${ng.metadata.name}-${slotSuffix(ng.metadata.uid, slot)}`,
  /** A real worker's root disk: `<worker>-root`. */
  workerDisk: (worker: string) => `${worker}-root`,
  /**
   * `<cluster>-svc-<namespace>-<service>`, cut to 63 characters with a hash of the full name
   * when longer, so every Service keeps a distinct, stable name.
   */
  serviceLoadBalancer: (c: Cluster, namespace: string, service: string) =>
    boundedName(`${c.metadata.name}-svc-${namespace}-${service}`, 63),
  serviceFloatingIp: (c: Cluster, namespace: string, service: string) =>
    `${boundedName(`${c.metadata.name}-svc-${namespace}-${service}`, 59)}-fip`,
};

function boundedName(full: string, max: number): string {
  if (full.length <= max) return full;
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, max - digest.length - 1)}-${digest}`;
}

function slotSuffix(nodeGroupUid: string, slot: number): string {
  const digest = createHash('sha256').update(`${nodeGroupUid}:${slot}`).digest();
  return (digest.readUInt32BE(0) % 36 ** 5).toString(36).padStart(5, '0');
}
