/**
 * Kubernetes' view of a cluster's nodes, by name: each Node's Ready condition as the
 * node-lifecycle controller keeps it (Unknown once the simulated kubelet stops renewing).
 */
import type { NodeReadiness } from '@berth/controller-ports';
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
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    providerID?: string;
    unschedulable?: boolean;
    taints?: { key: string; value?: string; effect: string }[];
  };
  status?: { conditions?: NodeCondition[] };
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

export async function nodeReadinessByName(
  api: KubeClient,
  signal?: AbortSignal,
): Promise<Map<string, NodeReadiness>> {
  return new Map((await listNodes(api, signal)).map((n) => [n.metadata.name, readinessOf(n)]));
}
