/**
 * What a worker's Node object says, decided by Berth and shipped to the worker as a JSON file
 * the registration step reads: labels for its node group, zone and flavor; the group's taints;
 * capacity from the flavor and the group's volume. The registration runs as the node itself, so NodeRestriction
 * decides which labels it may set: `nodeSettableLabels` splits them the way the apiserver will.
 */
export interface NodeTaint {
  key: string;
  value: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeSpecFile {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  taints: NodeTaint[];
  /** Quantities as Kubernetes writes them: `"2"`, `"4096Mi"`, `"110"`, `"20Gi"`. */
  capacity: { cpu: string; memory: string; pods: string; 'ephemeral-storage': string };
}

export interface NodeSpecInput {
  nodeName: string;
  nodeGroup: string;
  zone: string;
  flavor: { name: string; vcpus: number; ramMiB: number };
  /** The node group's volume size: a real node's root disk, a simulated node's capacity. */
  diskGb: number;
  labels: Record<string, string>;
  taints: NodeTaint[];
}

export const LABELS = {
  nodeGroup: 'berth.dev/nodegroup',
  zone: 'topology.kubernetes.io/zone',
  instanceType: 'node.kubernetes.io/instance-type',
} as const;

/** Pods per node, the kubelet's default `maxPods`. */
export const MAX_PODS = 110;

export function nodeSpec(input: NodeSpecInput): NodeSpecFile {
  return {
    name: input.nodeName,
    labels: {
      ...input.labels,
      [LABELS.nodeGroup]: input.nodeGroup,
      [LABELS.zone]: input.zone,
      [LABELS.instanceType]: input.flavor.name,
      'kubernetes.io/hostname': input.nodeName,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
    },
    annotations: {
      // kwok's own marker for nodes it simulates; the TTL annotation is what kubelets carry.
      'kwok.x-k8s.io/node': 'fake',
      'node.alpha.kubernetes.io/ttl': '0',
    },
    taints: input.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    capacity: {
      cpu: String(input.flavor.vcpus),
      memory: `${input.flavor.ramMiB}Mi`,
      pods: String(MAX_PODS),
      'ephemeral-storage': `${input.diskGb}Gi`,
    },
  };
}

/** Labels outside these may be set by a node on itself (NodeRestriction's rules, v1.34). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
]);
const KUBELET_DOMAINS = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
const RESERVED_DOMAINS = ['kubernetes.io', 'k8s.io'];

/**
 * True when a node may set the label on its own Node object: keys without a kubernetes.io or
 * k8s.io prefix, the well-known kubelet labels, and the kubelet.kubernetes.io and
 * node.kubernetes.io namespaces (never node-restriction.kubernetes.io).
 */
export function isNodeSettableLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const slash = key.indexOf('/');
  if (slash < 0) return true;
  const domain = key.slice(0, slash);
  if (domain === 'node-restriction.kubernetes.io') return false;
  const within = (d: string) => domain === d || domain.endsWith(`.${d}`);
  if (KUBELET_DOMAINS.some(within)) return true;
  return !RESERVED_DOMAINS.some(within);
}

/** Splits labels into those the node sets itself and those Berth applies as admin. */
export function nodeSettableLabels(labels: Record<string, string>): {
  own: Record<string, string>;
  restricted: Record<string, string>;
} {
  const own: Record<string, string> = {};
  const restricted: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) (isNodeSettableLabel(k) ? own : restricted)[k] = v;
  return { own, restricted };
}
