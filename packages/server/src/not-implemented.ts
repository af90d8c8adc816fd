/**
 * Addons the API's catalog lists but this server cannot install. Accepting them would report
 * work that nothing does, so a request that names one is refused with 501
 * `BERTH_ERR_NOT_IMPLEMENTED` naming the field and the addon. An addon becomes installable when
 * its manifests are in `@berth/addons` (and the server runs the addon controller).
 */
import type { ClusterAddon, ClusterSpec } from '@berth/api-types';
import { INSTALLABLE_ADDONS } from '@berth/addons';
import { BerthError } from '@berth/errors';
import { sameJson } from './stable-json.js';

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
    ? 'this server runs no addon controller (addons need real Kubernetes: berth server --provider local)'
    : 'no addon controller installs it yet';
  throw new BerthError(
    'BERTH_ERR_NOT_IMPLEMENTED',
    `${field}: installing addon "${addon.name}" is not implemented here: ${why}`,
    { field },
  );
}
