/**
 * Read-only views of the infrastructure Berth made for a project: one shape for every kind, with
 * the provider's kind-specific fields under `attributes`. Volumes add typed fields on top
 * (`InfraVolume`): what the volume is for, its claim and the node it is attached to.
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

const infraObjectFields = {
  id: Type.String(),
  kind: StringEnum(INFRA_KINDS),
  name: Type.String(),
  project: Type.String(),
  cluster: Type.Optional(Type.String()),
  status: Type.String({ description: 'Provider state, e.g. ACTIVE' }),
  attributes: Type.Record(Type.String(), Type.Unknown()),
};

export const InfraObject = Closed(infraObjectFields, { title: 'InfraObject' });
export type InfraObject = Static<typeof InfraObject>;

export const InfraList = Closed({ metadata: ListMeta, items: Type.Array(InfraObject) });
export type InfraList = Static<typeof InfraList>;

/**
 * What a volume is for, from its `berth.dev/role` tag: a PersistentVolume's disk (`volume`), a
 * real node's root disk (`worker`), or anything else Berth tagged for the project.
 */
export const VOLUME_PURPOSES = ['persistent-volume', 'node-disk', 'other'] as const;
export type VolumePurpose = (typeof VOLUME_PURPOSES)[number];

/** A volume's provider state (Cinder's statuses). */
export const VOLUME_STATES = [
  'creating',
  'available',
  'attaching',
  'in-use',
  'detaching',
  'extending',
  'deleting',
  'error',
] as const;
export type VolumeState = (typeof VOLUME_STATES)[number];

export const InfraVolume = Closed(
  {
    ...infraObjectFields,
    purpose: StringEnum(VOLUME_PURPOSES, {
      description:
        "persistent-volume: the disk of a Kubernetes PersistentVolume; node-disk: a node's root disk; other: anything else",
    }),
    state: StringEnum(VOLUME_STATES, { description: 'Provider state, the same as `status`' }),
    volumeType: Type.String({ description: 'A volume type of `/v1/volume-types`, e.g. ssd' }),
    sizeGb: Type.Integer({ minimum: 1 }),
    zone: Type.String(),
    pvc: Type.Optional(
      Closed(
        { namespace: Type.String(), name: Type.String() },
        { description: 'The PersistentVolumeClaim this volume was provisioned for' },
      ),
    ),
    persistentVolume: Type.Optional(
      Type.String({ description: 'Name of the PersistentVolume, e.g. pvc-<claim uid>' }),
    ),
    node: Type.Optional(
      Closed(
        {
          name: Type.Optional(
            Type.String({
              description:
                "The server's name, which is a node's Kubernetes name; absent when the project has no server with that id (deleted meanwhile)",
            }),
          ),
          serverId: Type.String(),
          device: Type.String({ description: 'The device inside the server, e.g. /dev/vdb' }),
        },
        { description: 'The server the volume is attached to; absent while detached' },
      ),
    ),
  },
  { title: 'InfraVolume' },
);
export type InfraVolume = Static<typeof InfraVolume>;

export const InfraVolumeList = Closed({ metadata: ListMeta, items: Type.Array(InfraVolume) });
export type InfraVolumeList = Static<typeof InfraVolumeList>;
