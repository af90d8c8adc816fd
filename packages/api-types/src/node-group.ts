/**
 * NodeGroup: a pool of worker servers of one flavor in one zone. Node groups are their own objects
 * (`/v1/projects/{p}/clusters/{c}/nodegroups/{ng}`); a cluster's `spec.nodeGroups` is rendered from
 * them, and the `spec.nodeGroups` of a create request becomes NodeGroup objects.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  API_VERSION,
  ClusterChildMeta,
  Condition,
  CreateMeta,
  ListMeta,
  NodeGroupName,
} from './meta.js';
import {
  Closed,
  Labels,
  LabelKeyPattern,
  LabelValuePattern,
  StringEnum,
} from './schema-helpers.js';
import { LIMITS } from './limits.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export const Taint = Closed({
  key: Type.String({ pattern: LabelKeyPattern }),
  value: Type.String({ pattern: LabelValuePattern }),
  effect: StringEnum(TAINT_EFFECTS),
});
export type Taint = Static<typeof Taint>;

const Count = Type.Integer({ minimum: 0, maximum: LIMITS.maxNodesPerGroup });

/** Per-group scale-down settings; absent, the cluster's `spec.autoscaler` ones apply. */
const ScaleDownUnneededSeconds = Type.Integer({
  minimum: 10,
  maximum: 86_400,
  description: 'How long a node must be unneeded before the autoscaler removes it',
});
const ScaleDownUtilizationThreshold = Type.Number({
  exclusiveMinimum: 0,
  maximum: 1,
  description:
    'A node whose requested CPU and memory are below this share of allocatable is unneeded',
});

export const Autoscaling = Closed({
  enabled: Type.Boolean(),
  min: Count,
  max: Count,
  scaleDownUnneededSeconds: Type.Optional(ScaleDownUnneededSeconds),
  scaleDownUtilizationThreshold: Type.Optional(ScaleDownUtilizationThreshold),
});
export type Autoscaling = Static<typeof Autoscaling>;

export const Volume = Closed({
  type: Type.String({ minLength: 1, maxLength: 63, description: 'A name from /v1/volume-types' }),
  sizeGb: Type.Integer({ minimum: LIMITS.minVolumeGb, maximum: LIMITS.maxVolumeGb }),
});
export type Volume = Static<typeof Volume>;

/**
 * How a group's nodes run pods: `containerd` — real nodes (kubelet, containerd, kube-proxy);
 * `simulated` — kwok keeps Node objects and pods' status without running containers, for scale
 * tests and benchmarks. Fixed when the group is created.
 */
export const NODE_RUNTIMES = ['containerd', 'simulated'] as const;
export type NodeRuntime = (typeof NODE_RUNTIMES)[number];

export const Version = Type.String({
  pattern: '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$',
  description: 'A minor ("1.34") or exact patch ("1.34.2") from /v1/versions',
});

/**
 * A node group's own Kubernetes version: absent, the group follows its cluster's `spec.version`
 * (and upgrades right after the control plane); set, the group stays at it — up to three minors
 * behind the control plane (upstream's kubelet skew), never ahead — until changed.
 */
const NodeGroupVersion = Type.String({
  pattern: Version.pattern,
  description:
    "The group's Kubernetes version (minor or patch from /v1/versions); absent = the cluster's. At most 3 minors older than the control plane, never newer",
});

/**
 * "1" (servers) or "25%" (of count): how many servers a rolling update replaces at once (their
 * successors are made and Ready before they are drained).
 */
export const MaxUnavailable = Type.String({ pattern: '^(0|[1-9][0-9]{0,2})%?$' });

/** The full, defaulted spec of a node group (what GET returns and controllers read). */
export const NodeGroupSpec = Closed(
  {
    flavor: Type.String({ minLength: 1, maxLength: 63, description: 'A name from /v1/flavors' }),
    zone: Type.String({ minLength: 1, maxLength: 63, description: 'A name from /v1/zones' }),
    count: Count,
    autoscaling: Autoscaling,
    labels: Labels,
    taints: Type.Array(Taint, { maxItems: 32 }),
    maxUnavailable: MaxUnavailable,
    volume: Volume,
    runtime: StringEnum(NODE_RUNTIMES, {
      description: 'containerd (real nodes) or simulated (kwok); immutable',
    }),
    version: Type.Optional(NodeGroupVersion),
  },
  { title: 'NodeGroupSpec' },
);
export type NodeGroupSpec = Static<typeof NodeGroupSpec>;

/** A node group as written inside a cluster's spec: the spec plus its name. */
export const ClusterNodeGroup = Closed(
  { name: NodeGroupName, ...NodeGroupSpec.properties },
  { title: 'ClusterNodeGroup' },
);
export type ClusterNodeGroup = Static<typeof ClusterNodeGroup>;

/** What a client may send: every field but the name is optional and defaulted. */
export const NodeGroupSpecInput = Closed({
  flavor: Type.Optional(NodeGroupSpec.properties.flavor),
  zone: Type.Optional(NodeGroupSpec.properties.zone),
  count: Type.Optional(Count),
  autoscaling: Type.Optional(
    Closed({
      enabled: Type.Optional(Type.Boolean()),
      min: Type.Optional(Count),
      max: Type.Optional(Count),
      scaleDownUnneededSeconds: Type.Optional(ScaleDownUnneededSeconds),
      scaleDownUtilizationThreshold: Type.Optional(ScaleDownUtilizationThreshold),
    }),
  ),
  labels: Type.Optional(Labels),
  taints: Type.Optional(NodeGroupSpec.properties.taints),
  maxUnavailable: Type.Optional(MaxUnavailable),
  runtime: Type.Optional(NodeGroupSpec.properties.runtime),
  version: Type.Optional(NodeGroupVersion),
  volume: Type.Optional(
    Closed({
      type: Type.Optional(Volume.properties.type),
      sizeGb: Type.Optional(Volume.properties.sizeGb),
    }),
  ),
});
export type NodeGroupSpecInput = Static<typeof NodeGroupSpecInput>;

export const ClusterNodeGroupInput = Closed({
  name: NodeGroupName,
  ...NodeGroupSpecInput.properties,
});
export type ClusterNodeGroupInput = Static<typeof ClusterNodeGroupInput>;

export const NODE_GROUP_PHASES = [
  'Provisioning',
  'Running',
  'Scaling',
  'Updating',
  'Stopping',
  'Stopped',
  'Starting',
  'Deleting',
  'Error',
] as const;
export type NodeGroupPhase = (typeof NODE_GROUP_PHASES)[number];

/** A scale decision of the cluster autoscaler, as Berth carried it out. */
export const ScaleDecision = Closed({
  time: Type.String({ format: 'date-time' }),
  from: Type.Integer({ minimum: 0 }),
  to: Type.Integer({ minimum: 0 }),
  nodes: Type.Optional(Type.Array(Type.String(), { description: 'Nodes removed (scale-down)' })),
});
export type ScaleDecision = Static<typeof ScaleDecision>;

/**
 * The cluster autoscaler's view of a group with `autoscaling.enabled`: what it asked Berth for
 * (target size, the last scale-up and scale-down, the nodes it chose to remove) and what it
 * reports about the group (health, scale-up state and backoff, scale-down candidates).
 */
export const AutoscalerStatus = Closed(
  {
    targetSize: Type.Integer({ minimum: 0 }),
    removing: Type.Array(Type.String(), {
      description: 'Nodes the autoscaler drained and asked Berth to remove; gone soon',
    }),
    lastScaleUp: Type.Optional(ScaleDecision),
    lastScaleDown: Type.Optional(ScaleDecision),
    health: Type.Optional(Type.String({ description: 'Healthy or Unhealthy (autoscaler report)' })),
    scaleUp: Type.Optional(
      Type.String({ description: 'NoActivity, InProgress or Backoff (autoscaler report)' }),
    ),
    backoff: Type.Optional(
      Closed({ errorCode: Type.String(), errorMessage: Type.String() }, { title: 'Backoff' }),
    ),
    scaleDownCandidates: Type.Optional(Type.Integer({ minimum: 0 })),
    reportedAt: Type.Optional(
      Type.String({ description: "When the autoscaler's report was last read" }),
    ),
  },
  { title: 'AutoscalerStatus' },
);
export type AutoscalerStatus = Static<typeof AutoscalerStatus>;

export const NodeGroupStatus = Closed(
  {
    phase: StringEnum(NODE_GROUP_PHASES),
    replicas: Type.Integer({ minimum: 0, description: 'Servers that exist' }),
    readyReplicas: Type.Integer({ minimum: 0, description: 'Nodes that are Ready' }),
    conditions: Type.Array(Condition),
    observedGeneration: Type.Integer(),
    message: Type.Optional(Type.String()),
    version: Type.Optional(
      Type.String({ description: 'The Kubernetes version every node of the group runs' }),
    ),
    autoscaler: Type.Optional(AutoscalerStatus),
  },
  { title: 'NodeGroupStatus' },
);
export type NodeGroupStatus = Static<typeof NodeGroupStatus>;

export const NodeGroup = Closed(
  {
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Literal('NodeGroup'),
    metadata: ClusterChildMeta,
    spec: NodeGroupSpec,
    status: NodeGroupStatus,
  },
  { title: 'NodeGroup' },
);
export type NodeGroup = Static<typeof NodeGroup>;

export const NodeGroupCreateRequest = Closed({
  apiVersion: Type.Optional(Type.Literal(API_VERSION)),
  kind: Type.Optional(Type.Literal('NodeGroup')),
  metadata: CreateMeta(NodeGroupName),
  spec: Type.Optional(NodeGroupSpecInput),
});
export type NodeGroupCreateRequest = Static<typeof NodeGroupCreateRequest>;

/** `POST …/nodegroups/{g}:upgrade`: the cluster's own version makes the group follow it again. */
export const NodeGroupUpgradeRequest = Closed(
  { version: Version },
  { title: 'NodeGroupUpgradeRequest' },
);
export type NodeGroupUpgradeRequest = Static<typeof NodeGroupUpgradeRequest>;

export const NodeGroupList = Closed({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('NodeGroupList'),
  metadata: ListMeta,
  items: Type.Array(NodeGroup),
});
export type NodeGroupList = Static<typeof NodeGroupList>;

export const NODE_GROUP_INITIAL_STATUS: NodeGroupStatus = {
  phase: 'Provisioning',
  replicas: 0,
  readyReplicas: 0,
  conditions: [],
  observedGeneration: 0,
};
