/**
 * Cluster: the declarative spec of one Kubernetes cluster and the status controllers report.
 * `spec.stopped` is the desired power state set by `:stop`/`:start` (level-triggered: the
 * controllers converge to it); everything else in spec mirrors DESIGN.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { API_VERSION, ClusterName, Condition, CreateMeta, ListMeta, ObjectMeta } from './meta.js';
import { ClusterNodeGroup, ClusterNodeGroupInput, Version } from './node-group.js';
import { Closed, IntegerEnum, Ipv4Cidr, StringEnum, Timestamp } from './schema-helpers.js';
import { LIMITS } from './limits.js';

export const ControlPlane = Closed({
  count: IntegerEnum(LIMITS.controlPlaneCounts, { description: 'Masters: 1, 3 or 5' }),
  flavor: Type.String({ minLength: 1, maxLength: 63 }),
});
export type ControlPlane = Static<typeof ControlPlane>;

export const ClusterNetwork = Closed({
  subnetCidr: Ipv4Cidr,
  podsCidr: Ipv4Cidr,
  servicesCidr: Ipv4Cidr,
});
export type ClusterNetwork = Static<typeof ClusterNetwork>;

export const ApiAccess = Closed({
  public: Type.Boolean({ description: 'Give the API load balancer a floating IP' }),
  allowedCidrs: Type.Array(Ipv4Cidr, {
    maxItems: LIMITS.maxAllowedCidrs,
    description: 'Source ranges allowed to reach the API; empty means everyone',
  }),
});
export type ApiAccess = Static<typeof ApiAccess>;

export const ClusterAddon = Closed({
  name: Type.String({ minLength: 1, maxLength: 63, description: 'A name from /v1/addons' }),
  version: Type.Optional(Type.String({ maxLength: 63 })),
  config: Type.Optional(Type.Record(Type.String(), Type.String(), { maxProperties: 64 })),
});
export type ClusterAddon = Static<typeof ClusterAddon>;

/**
 * The cluster autoscaler's scale-down settings for every group with autoscaling enabled (a
 * group may override the first two in its `autoscaling`).
 */
export const AutoscalerSettings = Closed(
  {
    scaleDownUnneededSeconds: Type.Integer({ minimum: 10, maximum: 86_400 }),
    scaleDownUtilizationThreshold: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    scaleDownDelayAfterAddSeconds: Type.Integer({
      minimum: 0,
      maximum: 86_400,
      description: 'No scale-down for this long after a scale-up',
    }),
  },
  { title: 'AutoscalerSettings' },
);
export type AutoscalerSettings = Static<typeof AutoscalerSettings>;

const Zones = Type.Array(Type.String({ minLength: 1, maxLength: 63 }), {
  minItems: 1,
  maxItems: LIMITS.maxZonesPerCluster,
  description: 'Availability zones the masters are spread over',
});

/**
 * The last control-plane certificate renewal asked for (set by `:renew-certificates`): each
 * request raises `serial`; a master whose certificates were issued for a lower serial gets new
 * ones from the existing CAs (only if one of them expires within `onlyExpiringWithinDays` of
 * `requestedAt`, when given) and is rolled.
 */
export const CertificateRenewal = Closed(
  {
    serial: Type.Integer({ minimum: 1 }),
    requestedAt: Timestamp,
    onlyExpiringWithinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { title: 'CertificateRenewal', description: 'Set by POST …/clusters/{c}:renew-certificates' },
);
export type CertificateRenewal = Static<typeof CertificateRenewal>;

export const ClusterSpec = Closed(
  {
    version: Version,
    controlPlane: ControlPlane,
    zones: Zones,
    network: ClusterNetwork,
    apiAccess: ApiAccess,
    nodeGroups: Type.Array(ClusterNodeGroup, { maxItems: LIMITS.maxNodeGroupsPerCluster }),
    addons: Type.Array(ClusterAddon, { maxItems: LIMITS.maxAddonsPerCluster }),
    autoscaler: AutoscalerSettings,
    stopped: Type.Boolean({ description: 'Desired power state; set by :stop and :start' }),
    certificateRenewal: Type.Optional(CertificateRenewal),
    upgradeRetry: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Raised by POST :upgrade with the version of an unfinished upgrade: its failed step is tried again now',
      }),
    ),
  },
  { title: 'ClusterSpec' },
);
export type ClusterSpec = Static<typeof ClusterSpec>;

/** What a client may send on create: every field optional and defaulted (see defaults.ts). */
export const ClusterSpecInput = Closed({
  version: Type.Optional(Version),
  controlPlane: Type.Optional(
    Closed({
      count: Type.Optional(ControlPlane.properties.count),
      flavor: Type.Optional(ControlPlane.properties.flavor),
    }),
  ),
  zones: Type.Optional(Zones),
  network: Type.Optional(
    Closed({
      subnetCidr: Type.Optional(Ipv4Cidr),
      podsCidr: Type.Optional(Ipv4Cidr),
      servicesCidr: Type.Optional(Ipv4Cidr),
    }),
  ),
  apiAccess: Type.Optional(
    Closed({
      public: Type.Optional(Type.Boolean()),
      allowedCidrs: Type.Optional(ApiAccess.properties.allowedCidrs),
    }),
  ),
  nodeGroups: Type.Optional(
    Type.Array(ClusterNodeGroupInput, { maxItems: LIMITS.maxNodeGroupsPerCluster }),
  ),
  addons: Type.Optional(ClusterSpec.properties.addons),
  autoscaler: Type.Optional(
    Closed({
      scaleDownUnneededSeconds: Type.Optional(
        AutoscalerSettings.properties.scaleDownUnneededSeconds,
      ),
      scaleDownUtilizationThreshold: Type.Optional(
        AutoscalerSettings.properties.scaleDownUtilizationThreshold,
      ),
      scaleDownDelayAfterAddSeconds: Type.Optional(
        AutoscalerSettings.properties.scaleDownDelayAfterAddSeconds,
      ),
    }),
  ),
});
export type ClusterSpecInput = Static<typeof ClusterSpecInput>;

export const CLUSTER_PHASES = [
  'Provisioning',
  'Running',
  'Reconciling',
  'Stopping',
  'Stopped',
  'Starting',
  'Upgrading',
  'Deleting',
  'Error',
] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];

export const ADDON_PHASES = ['Installing', 'Installed', 'Failed', 'Removing'] as const;
export type AddonPhase = (typeof ADDON_PHASES)[number];

/**
 * What the addon controller found in the cluster: `Installed` once every workload of the addon
 * is available; `Failed` when one could not become ready in time (`reason`, `message` say why,
 * e.g. the pod's Unschedulable message); `Removing` until every object it made is gone.
 */
export const AddonStatus = Closed(
  {
    name: Type.String(),
    version: Type.Optional(Type.String({ description: 'The catalog version being applied' })),
    phase: StringEnum(ADDON_PHASES),
    reason: Type.Optional(
      Type.String({
        description: 'CamelCase cause, e.g. Unschedulable, ImagePullBackOff, WorkloadNotReady',
      }),
    ),
    message: Type.Optional(Type.String()),
    observedGeneration: Type.Optional(
      Type.Integer({ description: 'The cluster generation whose spec.addons this reflects' }),
    ),
    lastTransitionTime: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'Installing and Failed: when the current attempt began (the Failed timeout counts from it); Installed and Removing: when the phase was entered',
      }),
    ),
  },
  { title: 'AddonStatus' },
);
export type AddonStatus = Static<typeof AddonStatus>;

/** Worker nodes at a glance, summed over the cluster's node groups (not being deleted). */
export const ClusterNodesSummary = Closed(
  {
    ready: Type.Integer({ minimum: 0, description: 'Nodes that are Ready' }),
    total: Type.Integer({ minimum: 0, description: "Nodes wanted: the sum of the groups' counts" }),
  },
  { title: 'ClusterNodesSummary' },
);
export type ClusterNodesSummary = Static<typeof ClusterNodesSummary>;

export const ClusterStatus = Closed(
  {
    phase: StringEnum(CLUSTER_PHASES),
    apiEndpoint: Type.Optional(Type.String({ description: 'https://<address>:6443' })),
    version: Type.Optional(
      Type.String({
        description:
          'The version the cluster runs, as spec.version names it (a minor such as 1.37, or an exact patch); GET /v1/versions gives the patch of a minor',
      }),
    ),
    controlPlaneVersion: Type.Optional(
      Type.String({
        description:
          'The version every master runs (set once the last master of an upgrade is up); node groups follow it, never overtake it',
      }),
    ),
    conditions: Type.Array(Condition),
    observedGeneration: Type.Integer(),
    message: Type.Optional(Type.String()),
    addons: Type.Optional(Type.Array(AddonStatus)),
    nodes: Type.Optional(ClusterNodesSummary),
    lastTransitionTime: Type.Optional(Timestamp),
  },
  { title: 'ClusterStatus' },
);
export type ClusterStatus = Static<typeof ClusterStatus>;

export const Cluster = Closed(
  {
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Literal('Cluster'),
    metadata: ObjectMeta,
    spec: ClusterSpec,
    status: ClusterStatus,
  },
  { title: 'Cluster' },
);
export type Cluster = Static<typeof Cluster>;

export const ClusterCreateRequest = Closed({
  apiVersion: Type.Optional(Type.Literal(API_VERSION)),
  kind: Type.Optional(Type.Literal('Cluster')),
  metadata: CreateMeta(ClusterName),
  spec: Type.Optional(ClusterSpecInput),
});
export type ClusterCreateRequest = Static<typeof ClusterCreateRequest>;

export const ClusterList = Closed({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal('ClusterList'),
  metadata: ListMeta,
  items: Type.Array(Cluster),
});
export type ClusterList = Static<typeof ClusterList>;

export const UpgradeRequest = Closed(
  {
    version: Version,
    controlPlaneOnly: Type.Optional(
      Type.Boolean({
        description:
          'Upgrade the masters only: every node group that follows the cluster is pinned to the version it runs now (its spec.version), to be upgraded later through its own :upgrade',
      }),
    ),
  },
  { title: 'UpgradeRequest' },
);
export type UpgradeRequest = Static<typeof UpgradeRequest>;

export const RenewCertificatesRequest = Closed(
  {
    onlyExpiringWithinDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'Renew only masters with a certificate that expires within this many days',
      }),
    ),
  },
  { title: 'RenewCertificatesRequest' },
);
export type RenewCertificatesRequest = Static<typeof RenewCertificatesRequest>;

/** The status a new cluster starts with; controllers take it from there. */
export const CLUSTER_INITIAL_STATUS: ClusterStatus = {
  phase: 'Provisioning',
  conditions: [],
  observedGeneration: 0,
};

/** Fields of spec that cannot change after create (the API rejects patches touching them). */
export const CLUSTER_IMMUTABLE_FIELDS = ['controlPlane', 'zones', 'network'] as const;
/** Fields of spec changed only through their own endpoints. */
export const CLUSTER_ACTION_FIELDS = {
  version: 'POST …/clusters/{c}:upgrade',
  stopped: 'POST …/clusters/{c}:stop and :start',
  certificateRenewal: 'POST …/clusters/{c}:renew-certificates',
  upgradeRetry: 'POST …/clusters/{c}:upgrade (the same version again)',
  nodeGroups: '…/clusters/{c}/nodegroups',
} as const;

/** A control-plane certificate of a cluster and its validity (`GET …/clusters/{c}/certificates`). */
export const ClusterCertificate = Closed(
  {
    name: Type.String({ description: 'e.g. ca, apiserver, etcd-peer' }),
    owner: Type.String({ description: '`cluster`, or the master it belongs to' }),
    kind: StringEnum(['authority', 'server', 'client', 'peer'] as const),
    subject: Type.String(),
    notBefore: Timestamp,
    notAfter: Timestamp,
  },
  { title: 'ClusterCertificate' },
);
export type ClusterCertificate = Static<typeof ClusterCertificate>;

export const ClusterCertificateList = Closed(
  { items: Type.Array(ClusterCertificate) },
  { title: 'ClusterCertificateList' },
);
export type ClusterCertificateList = Static<typeof ClusterCertificateList>;

/**
 * `GET …/clusters/{c}/audit`: the cluster's API audit events as Berth keeps them (audit.k8s.io/v1
 * fields: auditID, stage, verb, requestURI, user {username, groups}, sourceIPs, objectRef, code,
 * requestReceivedTimestamp), newest first.
 */
export const ClusterAuditList = Closed(
  {
    items: Type.Array(Type.Object({}, { additionalProperties: true, title: 'ClusterAuditEvent' })),
  },
  { title: 'ClusterAuditList' },
);
export type ClusterAuditList = Static<typeof ClusterAuditList>;
