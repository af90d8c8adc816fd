/**
 * Fields the API's shape has but no controller acts on yet. Accepting them would report work
 * that nothing does, so a request that asks for anything but their default is refused with 501
 * `BERTH_ERR_NOT_IMPLEMENTED` naming the field. Each guard is removed by the issue that
 * implements its feature (addons: the addon controller; autoscaling: the cluster autoscaler).
 */
import {
  applyNodeGroupDefaults,
  type ClusterAddon,
  type ClusterSpec,
  type NodeGroupSpec,
} from '@berth/api-types';
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
 * Throws unless `spec`'s autoscaling equals `baseline`'s (the defaults on create, the stored spec
 * on change). `path` prefixes the field names (`spec`, `spec.nodeGroups[1]`).
 */
export function refuseUnimplementedNodeGroup(
  spec: NodeGroupSpec,
  baseline: Pick<NodeGroupSpec, 'autoscaling'>,
  path: string,
): void {
  if (!sameJson(spec.autoscaling, baseline.autoscaling)) {
    const field = spec.autoscaling.enabled ? `${path}.autoscaling.enabled` : `${path}.autoscaling`;
    throw notImplemented(field, 'the cluster autoscaler');
  }
}

/** What a new node group of `spec.count` nodes would get by default. */
export function nodeGroupDefaults(spec: NodeGroupSpec): Pick<NodeGroupSpec, 'autoscaling'> {
  return applyNodeGroupDefaults({ count: spec.count }, spec.zone);
}

/** A new cluster: no addons, and every node group's unimplemented fields at their defaults. */
export function refuseUnimplementedCluster(spec: ClusterSpec): void {
  if (spec.addons.length > 0) throw refuseAddon('spec.addons');
  spec.nodeGroups.forEach((group, i) =>
    refuseUnimplementedNodeGroup(group, nodeGroupDefaults(group), `spec.nodeGroups[${i}]`),
  );
}

/** A cluster change: its addons may not change. */
export function refuseAddonChange(before: ClusterSpec, after: ClusterSpec): void {
  if (!sameJson(before.addons, after.addons)) throw refuseAddon('spec.addons');
}

export function refuseAddon(field: string, addon?: ClusterAddon): BerthError {
  const what = addon ? `installing addon "${addon.name}"` : 'installing addons';
  return notImplemented(field, `${what} (no addon controller runs yet)`);
}
