/**
 * Kubernetes' view of a cluster's nodes, by name: each Node's Ready condition as the
 * node-lifecycle controller keeps it (Unknown once the simulated kubelet stops renewing).
 */
import type { NodeReadiness } from '@berth/controller-ports';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { awaitsServingCertificate, SERVING_CERTIFICATE_GRACE_MS } from './csr-approval.js';
import type { KubeClient } from './kube-client.js';

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface NodeObject {
  metadata: {
    name: string;
    creationTimestamp?: Date | string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    providerID?: string;
    unschedulable?: boolean;
    taints?: { key: string; value?: string; effect: string }[];
  };
  status?: { conditions?: NodeCondition[]; nodeInfo?: { containerRuntimeVersion?: string } };
}

/**
 * A node a real kubelet keeps: it reports a container runtime, and not kwok's (`kwok://`, the
 * simulated nodes). A Node object written by hand reports none.
 */
export function hasRealKubelet(node: NodeObject): boolean {
  const runtime = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
  return runtime !== '' && !runtime.startsWith('kwok://');
}

export async function listNodes(api: KubeClient, signal?: AbortSignal): Promise<NodeObject[]> {
  const list = await api.call('list nodes', (k) => k.core.listNode({}), signal ? { signal } : {});
  return list.items as NodeObject[];
}

export function readinessOf(node: NodeObject): NodeReadiness {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready === undefined) return { ready: false, reason: 'NodeNotInitialized' };
  if (ready.status === 'True') return { ready: true, reason: ready.reason ?? 'NodeReady' };
  return {
    ready: false,
    reason: ready.reason ?? (ready.status === 'Unknown' ? 'NodeStatusUnknown' : 'NodeNotReady'),
  };
}

/**
 * Berth's view of a node: Kubernetes' Ready condition, and for a young real node also its
 * kubelet's serving certificate (see `awaitsServingCertificate`), so that a node counts as ready
 * only once `kubectl logs` and `exec` reach it.
 */
export function usableReadinessOf(
  node: NodeObject,
  requests: readonly V1CertificateSigningRequest[],
  now: Date,
): NodeReadiness {
  const readiness = readinessOf(node);
  if (!readiness.ready || !hasRealKubelet(node)) return readiness;
  const created = node.metadata.creationTimestamp;
  const age = created === undefined ? 0 : now.getTime() - new Date(created).getTime();
  if (age < SERVING_CERTIFICATE_GRACE_MS && awaitsServingCertificate(node.metadata.name, requests))
    return { ready: false, reason: 'ServingCertificatePending' };
  return readiness;
}

export async function nodeReadinessByName(
  api: KubeClient,
  signal?: AbortSignal,
): Promise<Map<string, NodeReadiness>> {
  return new Map((await listNodes(api, signal)).map((n) => [n.metadata.name, readinessOf(n)]));
}
