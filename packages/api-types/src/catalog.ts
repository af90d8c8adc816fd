/** Catalog items: what a cluster spec may name (versions, flavors, zones, volume types, addons). */
import { Type, type Static } from '@sinclair/typebox';
import { Closed } from './schema-helpers.js';

export const VersionItem = Closed(
  {
    version: Type.String({ description: 'Minor version, e.g. 1.34' }),
    patch: Type.String({ description: 'Exact patch release served for this minor, e.g. 1.34.2' }),
    default: Type.Boolean({ description: 'Whether a cluster that names no version gets this one' }),
    endOfSupport: Type.String({
      format: 'date',
      description:
        "Last day upstream supports this minor with patches (published, or expected from upstream's ~14-month cycle)",
    }),
    upgradesTo: Type.Array(Type.String(), {
      description:
        'Exact patches a cluster on this version may upgrade to: the next minor, one at a time; empty for the newest',
    }),
  },
  { title: 'Version' },
);
export type VersionItem = Static<typeof VersionItem>;

export const Flavor = Closed(
  {
    name: Type.String(),
    vcpus: Type.Integer({ minimum: 1 }),
    ramMiB: Type.Integer({ minimum: 1 }),
    diskGb: Type.Integer({ minimum: 0 }),
  },
  { title: 'Flavor' },
);
export type Flavor = Static<typeof Flavor>;

export const Zone = Closed({ name: Type.String(), available: Type.Boolean() }, { title: 'Zone' });
export type Zone = Static<typeof Zone>;

export const VolumeLimits = Closed(
  {
    readIops: Type.Integer({ minimum: 1, description: 'Read operations per second' }),
    writeIops: Type.Integer({ minimum: 1, description: 'Write operations per second' }),
    readBytesPerSec: Type.Integer({ minimum: 1 }),
    writeBytesPerSec: Type.Integer({ minimum: 1 }),
  },
  {
    title: 'VolumeLimits',
    description: 'What an attached volume of the type may do, enforced on its device',
  },
);
export type VolumeLimits = Static<typeof VolumeLimits>;

export const VolumeType = Closed(
  {
    name: Type.String(),
    description: Type.String(),
    maxSizeGb: Type.Integer({ minimum: 1, description: 'The largest volume of the type, GiB' }),
    limits: VolumeLimits,
  },
  { title: 'VolumeType' },
);
export type VolumeType = Static<typeof VolumeType>;

export const AddonItem = Closed(
  {
    name: Type.String(),
    description: Type.String(),
    versions: Type.Array(Type.String()),
    defaultVersion: Type.String(),
    installable: Type.Optional(
      Type.Boolean({
        description:
          'Whether this server installs it; false: requests for it are refused with 501 BERTH_ERR_NOT_IMPLEMENTED',
      }),
    ),
  },
  { title: 'Addon' },
);
export type AddonItem = Static<typeof AddonItem>;

export function CatalogList<T extends ReturnType<typeof Closed>>(item: T) {
  return Closed({ items: Type.Array(item) });
}
