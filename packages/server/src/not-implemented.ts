/**
 * Fields the API's shape has but no controller acts on yet. Accepting them would report work
 * that nothing does, so a request that asks for anything but their default is refused with 501
 * `BERTH_ERR_NOT_IMPLEMENTED` naming the field. Each guard is removed by the issue that
 * implements its feature (addons: each addon's manifests in `@berth/addons`).
 */
import type { ClusterAddon, ClusterSpec } from '@berth/api-types';
import { INSTALLABLE_ADDONS } from '@berth/addons';
import { BerthError } from '@berth/errors';
import { sameJson } from './stable-json.js';

function notImplemented(field: string, what: string): BerthError {
  return new BerthError(
    'BERTH_ERR_NOT_IMPLEMENTED',
    `${field}: ${what} is not implemented yet; leave ${field} at its default`,
    { field },
  );
}

/**
 * Which addons this server installs: those `@berth/addons` can install, when an addon controller
 * runs (real Kubernetes: `--provider local`); none on the memory provider, whose clusters have no
 * API to install into.
 */
export type AddonSupport = ReadonlySet<string>;

/** A new cluster: only addons this server installs. */
export function refuseUnimplementedCluster(spec: ClusterSpec, addons: AddonSupport): void {
  spec.addons.forEach((addon, i) => refuseUninstallable(addon, `spec.addons[${i}].name`, addons));
}

/** A cluster change: an addon entry may be added or changed only if this server installs it. */
export function refuseAddonChange(before: ClusterSpec, after: ClusterSpec, addons: AddonSupport) {
  after.addons.forEach((addon, i) => {
    const previous = before.addons.find((a) => a.name === addon.name);
    if (previous === undefined || !sameJson(previous, addon))
      refuseUninstallable(addon, `spec.addons[${i}].name`, addons);
  });
}

/** @throws BERTH_ERR_NOT_IMPLEMENTED naming `field` when this server does not install `addon` */
export function refuseUninstallable(addon: ClusterAddon, field: string, addons: AddonSupport) {
  if (addons.has(addon.name)) return;
  const why = INSTALLABLE_ADDONS.has(addon.name)
    ? 'this server runs no addon controller: addons need real Kubernetes, berth server --provider local'
    : 'no addon controller installs it yet';
  throw notImplemented(field, `installing addon "${addon.name}" (${why})`);
}
