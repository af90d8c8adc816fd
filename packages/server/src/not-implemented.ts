/**
 * Fields the API's shape has but no controller acts on yet. Accepting them would report work
 * that nothing does, so a request that asks for anything but their default is refused with 501
 * `BERTH_ERR_NOT_IMPLEMENTED` naming the field. Each guard is removed by the issue that
 * implements its feature (addons: the addon controller).
 */
import type { ClusterAddon, ClusterSpec } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import { sameJson } from './stable-json.js';

function notImplemented(field: string, what: string): BerthError {
  return new BerthError(
    'BERTH_ERR_NOT_IMPLEMENTED',
    `${field}: ${what} is not implemented yet; leave ${field} at its default`,
    { field },
  );
}

/** A new cluster: no addons. */
export function refuseUnimplementedCluster(spec: ClusterSpec): void {
  if (spec.addons.length > 0) throw refuseAddon('spec.addons');
}

/** A cluster change: its addons may not change. */
export function refuseAddonChange(before: ClusterSpec, after: ClusterSpec): void {
  if (!sameJson(before.addons, after.addons)) throw refuseAddon('spec.addons');
}

export function refuseAddon(field: string, addon?: ClusterAddon): BerthError {
  const what = addon ? `installing addon "${addon.name}"` : 'installing addons';
  return notImplemented(field, `${what} (no addon controller runs yet)`);
}
