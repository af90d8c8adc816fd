/** Node: a machine (server) of a cluster joined with the state of its Kubernetes Node. */
import { Type, type Static } from '@sinclair/typebox';
import { ListMeta } from './meta.js';
import { Closed, Labels, StringEnum, Timestamp } from './schema-helpers.js';

export const NODE_ROLES = ['master', 'worker'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export const NodeKubernetesState = Closed({
  name: Type.String(),
  ready: StringEnum(['True', 'False', 'Unknown'] as const),
  version: Type.Optional(Type.String()),
  unschedulable: Type.Boolean(),
  labels: Labels,
  conditions: Type.Array(
    Closed({ type: Type.String(), status: Type.String(), reason: Type.Optional(Type.String()) }),
  ),
});
export type NodeKubernetesState = Static<typeof NodeKubernetesState>;

export const ClusterNode = Closed(
  {
    name: Type.String({ description: 'Server name, also the Kubernetes node name' }),
    role: StringEnum(NODE_ROLES),
    nodeGroup: Type.Optional(Type.String()),
    serverId: Type.String(),
    serverStatus: Type.String({ description: 'Provider state, e.g. ACTIVE, SHUTOFF, ERROR' }),
    flavor: Type.String(),
    zone: Type.String(),
    hypervisor: Type.Optional(
      Type.String({
        description:
          'Where the provider placed the server; masters of one cluster land on distinct ones when it can (soft anti-affinity)',
      }),
    ),
    addresses: Type.Array(Type.String()),
    createdAt: Type.Optional(Timestamp),
    kubernetes: Type.Optional(NodeKubernetesState),
  },
  { title: 'ClusterNode' },
);
export type ClusterNode = Static<typeof ClusterNode>;

export const NodeList = Closed({ metadata: ListMeta, items: Type.Array(ClusterNode) });
export type NodeList = Static<typeof NodeList>;
