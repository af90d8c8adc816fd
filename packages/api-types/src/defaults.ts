/**
 * Defaults applied to create requests, documented in docs/api.md. A create request may omit any
 * spec field; the stored object always has every field filled in.
 */
import type { AutoscalerSettings, ClusterSpec, ClusterSpecInput } from './cluster.js';
import type {
  ClusterNodeGroup,
  ClusterNodeGroupInput,
  NodeGroupSpec,
  NodeGroupSpecInput,
} from './node-group.js';

export const CLUSTER_DEFAULTS = {
  controlPlane: { count: 1, flavor: 'std-2-4' },
  zones: ['az1'],
  network: { subnetCidr: '10.0.0.0/24', podsCidr: '10.100.0.0/16', servicesCidr: '10.254.0.0/16' },
  apiAccess: { public: true, allowedCidrs: [] as string[] },
  // Upstream cluster-autoscaler's own defaults.
  autoscaler: {
    scaleDownUnneededSeconds: 600,
    scaleDownUtilizationThreshold: 0.5,
    scaleDownDelayAfterAddSeconds: 600,
  },
} as const;

export const NODE_GROUP_DEFAULTS = {
  flavor: 'std-2-4',
  count: 3,
  autoscaling: { enabled: false, min: 1, max: 10 },
  maxUnavailable: '25%',
  volume: { type: 'ssd', sizeGb: 20 },
  // Real nodes (containerd) become the default once they run pods end to end.
  runtime: 'containerd',
} as const;

/** The node group a cluster gets when its create request has no `spec.nodeGroups` at all. */
export const DEFAULT_NODE_GROUP_NAME = 'default';

/**
 * Fills a node group's omitted fields. `zone` defaults to the cluster's first zone. With
 * autoscaling enabled and no bounds given, the bounds widen to include `count`.
 */
export function applyNodeGroupDefaults(
  input: NodeGroupSpecInput,
  defaultZone: string,
): NodeGroupSpec {
  const d = NODE_GROUP_DEFAULTS;
  const count = input.count ?? d.count;
  return {
    flavor: input.flavor ?? d.flavor,
    zone: input.zone ?? defaultZone,
    count,
    autoscaling: {
      enabled: input.autoscaling?.enabled ?? d.autoscaling.enabled,
      min: input.autoscaling?.min ?? Math.min(d.autoscaling.min, count),
      max: input.autoscaling?.max ?? Math.max(d.autoscaling.max, count),
      ...optionalSettings(input.autoscaling),
    },
    labels: { ...(input.labels ?? {}) },
    taints: (input.taints ?? []).map((t) => ({ ...t })),
    maxUnavailable: input.maxUnavailable ?? d.maxUnavailable,
    volume: {
      type: input.volume?.type ?? d.volume.type,
      sizeGb: input.volume?.sizeGb ?? d.volume.sizeGb,
    },
    runtime: input.runtime ?? d.runtime,
    ...(input.version === undefined ? {} : { version: input.version }),
  };
}

function optionalSettings(
  input: NodeGroupSpecInput['autoscaling'],
): Pick<
  NodeGroupSpec['autoscaling'],
  'scaleDownUnneededSeconds' | 'scaleDownUtilizationThreshold'
> {
  return {
    ...(input?.scaleDownUnneededSeconds === undefined
      ? {}
      : { scaleDownUnneededSeconds: input.scaleDownUnneededSeconds }),
    ...(input?.scaleDownUtilizationThreshold === undefined
      ? {}
      : { scaleDownUtilizationThreshold: input.scaleDownUtilizationThreshold }),
  };
}

/** Fills omitted autoscaler settings with upstream's defaults. */
export function applyAutoscalerDefaults(
  input: Partial<AutoscalerSettings> | undefined,
): AutoscalerSettings {
  return { ...CLUSTER_DEFAULTS.autoscaler, ...input };
}

function applyClusterNodeGroupDefaults(
  input: ClusterNodeGroupInput,
  zone: string,
): ClusterNodeGroup {
  const { name, ...spec } = input;
  return { name, ...applyNodeGroupDefaults(spec, zone) };
}

/**
 * Fills a cluster create request's omitted fields. `defaultVersion` is the catalog's default
 * minor. Omitted `nodeGroups` gives one group named `default`; an explicit `[]` gives none.
 */
export function applyClusterDefaults(
  input: ClusterSpecInput | undefined,
  context: { defaultVersion: string },
): ClusterSpec {
  const d = CLUSTER_DEFAULTS;
  const spec = input ?? {};
  const zones = spec.zones ? [...spec.zones] : [...d.zones];
  const firstZone = zones[0] ?? d.zones[0];
  const groups = spec.nodeGroups ?? [{ name: DEFAULT_NODE_GROUP_NAME }];
  return {
    version: spec.version ?? context.defaultVersion,
    controlPlane: {
      count: spec.controlPlane?.count ?? d.controlPlane.count,
      flavor: spec.controlPlane?.flavor ?? d.controlPlane.flavor,
    },
    zones,
    network: {
      subnetCidr: spec.network?.subnetCidr ?? d.network.subnetCidr,
      podsCidr: spec.network?.podsCidr ?? d.network.podsCidr,
      servicesCidr: spec.network?.servicesCidr ?? d.network.servicesCidr,
    },
    apiAccess: {
      public: spec.apiAccess?.public ?? d.apiAccess.public,
      allowedCidrs: [...(spec.apiAccess?.allowedCidrs ?? d.apiAccess.allowedCidrs)],
    },
    nodeGroups: groups.map((g) => applyClusterNodeGroupDefaults(g, firstZone)),
    addons: (spec.addons ?? []).map((a) => ({ ...a })),
    autoscaler: applyAutoscalerDefaults(spec.autoscaler),
    stopped: false,
  };
}
