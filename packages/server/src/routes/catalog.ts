/** GET /v1/versions, /v1/flavors, /v1/zones, /v1/volume-types, /v1/addons: any valid token. */
import { Type, type TSchema } from '@sinclair/typebox';
import {
  AddonItem,
  Flavor,
  VersionItem,
  VolumeType,
  Zone,
  type CatalogSnapshot,
} from '@berth/api-types';
import { ok, type RouteContext } from '../http.js';

const lists: Array<[string, keyof CatalogSnapshot, TSchema, string]> = [
  ['/v1/versions', 'versions', VersionItem, 'Kubernetes versions clusters may run'],
  ['/v1/flavors', 'flavors', Flavor, 'Server sizes for masters and node groups'],
  ['/v1/zones', 'zones', Zone, 'Availability zones'],
  [
    '/v1/volume-types',
    'volumeTypes',
    VolumeType,
    'Volume types for node disks and persistent volumes',
  ],
  ['/v1/addons', 'addons', AddonItem, 'Addons a cluster may install'],
];

export function catalogRoutes({ app, deps }: RouteContext): void {
  for (const [url, field, item, summary] of lists) {
    app.get(url, {
      schema: {
        tags: ['catalog'],
        summary,
        operationId: `list${field[0]!.toUpperCase()}${field.slice(1)}`,
        response: ok(Type.Object({ items: Type.Array(item) }, { additionalProperties: false })),
      },
      handler: async () => {
        const items = [...(await deps.catalog.snapshot())[field]];
        if (field !== 'addons') return { items };
        // Which addons this server installs (an addon controller runs): clients offer only those.
        const installable = deps.addons ?? new Set<string>();
        return {
          items: (items as AddonItem[]).map((a) => ({
            ...a,
            installable: installable.has(a.name),
          })),
        };
      },
    });
  }
}
