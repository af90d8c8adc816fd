/**
 * Read-only views of the infrastructure Berth made for a project: one shape for every kind, with
 * the provider's kind-specific fields under `attributes`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ListMeta } from './meta.js';
import { Closed, StringEnum } from './schema-helpers.js';

export const INFRA_KINDS = [
  'networks',
  'routers',
  'servers',
  'securitygroups',
  'loadbalancers',
  'volumes',
  'floatingips',
] as const;
export type InfraKind = (typeof INFRA_KINDS)[number];

export const InfraObject = Closed(
  {
    id: Type.String(),
    kind: StringEnum(INFRA_KINDS),
    name: Type.String(),
    project: Type.String(),
    cluster: Type.Optional(Type.String()),
    status: Type.String({ description: 'Provider state, e.g. ACTIVE' }),
    attributes: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'InfraObject' },
);
export type InfraObject = Static<typeof InfraObject>;

export const InfraList = Closed({ metadata: ListMeta, items: Type.Array(InfraObject) });
export type InfraList = Static<typeof InfraList>;
