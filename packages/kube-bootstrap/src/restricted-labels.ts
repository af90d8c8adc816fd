/**
 * Node-group labels a node may not set on itself. NodeRestriction refuses a node's writes of
 * labels in the kubernetes.io and k8s.io namespaces beyond the kubelet's own (for example
 * `node-role.kubernetes.io/worker`), so the registration step leaves them out and Berth adds
 * them as the cluster admin once the Node exists. Only missing or different values are written,
 * so calling this on every readiness check costs a list and nothing more.
 */
import type { Cluster } from '@berth/api-types';
import type { Server } from '@berth/provider-api';
import { PatchStrategy, type KubeClient } from './kube-client.js';
import type { NodeObject } from './node-readiness.js';
import { nodeSettableLabels } from './node-spec.js';

/** The server metadata key naming a worker's node group (set by the controllers). */
const NODE_GROUP_METADATA = 'berth.dev/node-group';

/** Labels to add per node name: restricted labels of its group that the Node lacks. */
export function missingRestrictedLabels(
  cluster: Cluster,
  servers: Server[],
  nodes: NodeObject[],
): Map<string, Record<string, string>> {
  const groups = new Map(cluster.spec.nodeGroups.map((g) => [g.name, g.labels]));
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const missing = new Map<string, Record<string, string>>();
  for (const server of servers) {
    const node = byName.get(server.name);
    const labels = groups.get(server.metadata[NODE_GROUP_METADATA] ?? '');
    if (node === undefined || labels === undefined) continue;
    const { restricted } = nodeSettableLabels(labels);
    const lacking = Object.entries(restricted).filter(([k, v]) => node.metadata.labels?.[k] !== v);
    if (lacking.length > 0) missing.set(server.name, Object.fromEntries(lacking));
  }
  return missing;
}

export async function applyRestrictedLabels(
  api: KubeClient,
  missing: Map<string, Record<string, string>>,
  signal?: AbortSignal,
): Promise<void> {
  for (const [name, labels] of missing) {
    await api.call(
      `label node ${name}`,
      (k) => k.core.patchNode({ name, body: { metadata: { labels } } }),
      { ...(signal ? { signal } : {}), patch: PatchStrategy.MergePatch },
    );
  }
}
