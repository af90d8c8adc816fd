/**
 * Object metadata, conditions and list envelopes shared by every kind.
 *
 * `resourceVersion` is an opaque string that changes on every write of the object; send it back in
 * a PATCH to make the write conditional (optimistic concurrency). `generation` counts changes of
 * `spec` only, and `status.observedGeneration` says which generation the controllers have acted on.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DnsLabel, Labels, StringEnum, Timestamp } from './schema-helpers.js';

export const API_VERSION = 'berth.dev/v1';

/**
 * The finalizer every cluster and node group carries from creation (the API sets it) until the
 * controllers have removed its infrastructure; deletion completes only once it is gone.
 */
export const INFRASTRUCTURE_FINALIZER = 'berth.dev/infrastructure';

export const ProjectName = DnsLabel(40, 'Project name.');
export const ClusterName = DnsLabel(40, 'Cluster name.');
/** Node names are `<cluster>-<group>-<5 chars>`, so group names stay short enough for a DNS label. */
export const NodeGroupName = DnsLabel(16, 'Node group name.');

export const ObjectMeta = Closed(
  {
    name: Type.String(),
    project: Type.String(),
    uid: Type.String({ description: 'Unique for the lifetime of the object; never reused.' }),
    generation: Type.Integer({ description: 'Incremented on every change of spec.' }),
    resourceVersion: Type.String({ description: 'Opaque; changes on every write of the object.' }),
    labels: Labels,
    createdAt: Timestamp,
    deletionRequestedAt: Type.Optional(Timestamp),
    finalizers: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Controllers that must finish clean-up before the object is removed.',
      }),
    ),
  },
  { title: 'ObjectMeta' },
);
export type ObjectMeta = Static<typeof ObjectMeta>;

/** Metadata of objects nested under a cluster (node groups): the same plus the cluster's name. */
export const ClusterChildMeta = Closed(
  { ...ObjectMeta.properties, cluster: Type.String() },
  { title: 'ClusterChildMeta' },
);
export type ClusterChildMeta = Static<typeof ClusterChildMeta>;

/** Metadata a client sends when creating an object. */
export function CreateMeta(name: ReturnType<typeof DnsLabel>) {
  return Closed({ name, labels: Type.Optional(Labels) });
}

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** How controllers report state to users (Kubernetes' condition contract). */
export const Condition = Closed(
  {
    type: Type.String({ description: 'e.g. ControlPlaneReady, NodesReady, LoadBalancerReady' }),
    status: StringEnum(CONDITION_STATUSES),
    reason: Type.String({ description: 'CamelCase machine-readable reason' }),
    message: Type.String(),
    lastTransitionTime: Timestamp,
    observedGeneration: Type.Optional(Type.Integer()),
  },
  { title: 'Condition' },
);
export type Condition = Static<typeof Condition>;

export const ListMeta = Closed({
  continue: Type.Optional(
    Type.String({ description: 'Opaque token; pass as ?continue= to get the next page.' }),
  ),
  resourceVersion: Type.Optional(
    Type.String({ description: 'Version of the collection this page was read at.' }),
  ),
});
export type ListMeta = Static<typeof ListMeta>;

/** Query string of every paginated list: `limit` (default 100, max 500) and `continue`. */
export const ListQuery = Closed({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  continue: Type.Optional(Type.String({ maxLength: 512 })),
});
export type ListQuery = Static<typeof ListQuery>;

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;
