/**
 * One entry point for the controller: the objects of an installable addon at a catalog version.
 */
import { parseAddonSettings, type IngressSettings } from '@berth/api-types';
import { INGRESS } from './catalog.js';
import { ingressObjects } from './ingress.js';
import type { KubeObject } from './objects.js';

/** What rendering needs beyond the addon's own settings. */
export interface RenderContext {
  /** Platform image references by component, e.g. `{ traefik: '…/berth/traefik:v3.6.12' }`. */
  images: Readonly<Record<string, string | undefined>>;
  /** The cluster's subnet (where its load balancers' amphorae live). */
  subnetCidr: string;
}

export type Rendered = { objects: KubeObject[] } | { missing: string };

/**
 * The addon's objects, or what is missing to render them (an image the registry does not hold).
 * @throws BERTH_ERR_VALIDATION when `config` does not fit the addon's settings (the API checked
 * it on the way in, so only a stored spec from an older Berth can)
 */
export function renderAddon(
  addon: { name: string; version: string; config?: Record<string, string> },
  context: RenderContext,
): Rendered {
  if (addon.name !== INGRESS) return { missing: `no manifests for addon ${addon.name}` };
  const image = context.images['traefik'];
  if (image === undefined)
    return {
      missing:
        'the platform registry holds no berth/traefik image (berth components install default --only addons)',
    };
  const settings = parseAddonSettings(addon.name, addon.config) as IngressSettings;
  return {
    objects: ingressObjects({
      image,
      version: addon.version,
      settings,
      trustedCidrs: [context.subnetCidr],
    }),
  };
}
