/**
 * Rules a JSON Schema cannot express: CIDR arithmetic, cross-field bounds, uniqueness and catalog
 * membership. Each validator throws the first violation as a BERTH_ERR_VALIDATION error whose
 * `field` is the offending path (e.g. `spec.network.podsCidr`). Schema validation runs first.
 */
import { errors } from '@berth/errors';
import type { AddonItem, Flavor, VersionItem, VolumeType, Zone } from './catalog.js';
import { parseAddonSettings } from './addon-settings.js';
import type { ClusterSpec } from './cluster.js';
import type { NodeGroupSpec } from './node-group.js';
import { LIMITS } from './limits.js';
import { canonicalCidr, cidrsOverlap, hasHostBits, readCidr, type Cidr } from '@berth/net';
import { resolveVersion, skewRefusal } from './versions.js';

/** What a spec may name; pass it to check catalog membership, omit it to skip those checks. */
export interface CatalogSnapshot {
  versions: readonly VersionItem[];
  flavors: readonly Flavor[];
  zones: readonly Zone[];
  volumeTypes: readonly VolumeType[];
  addons: readonly AddonItem[];
}

function cidrAt(text: string, field: string, maxPrefix?: number): Cidr {
  const cidr = readCidr(text);
  if (!cidr) throw errors.invalid(field, `"${text}" is not an IPv4 CIDR like 10.0.0.0/24`);
  if (hasHostBits(cidr)) {
    throw errors.invalid(
      field,
      `"${text}" has host bits set; did you mean ${canonicalCidr(cidr)}?`,
    );
  }
  if (maxPrefix !== undefined && cidr.prefix > maxPrefix) {
    throw errors.invalid(field, `"${text}" is too small; use a /${maxPrefix} or larger`);
  }
  return cidr;
}

function checkNetwork(network: ClusterSpec['network']): void {
  const ranges = [
    [
      'spec.network.subnetCidr',
      cidrAt(network.subnetCidr, 'spec.network.subnetCidr', LIMITS.maxSubnetPrefix),
    ],
    [
      'spec.network.podsCidr',
      cidrAt(network.podsCidr, 'spec.network.podsCidr', LIMITS.maxPodsPrefix),
    ],
    [
      'spec.network.servicesCidr',
      cidrAt(network.servicesCidr, 'spec.network.servicesCidr', LIMITS.maxServicesPrefix),
    ],
  ] as const;
  for (let i = 0; i < ranges.length; i++) {
    for (let j = 0; j < i; j++) {
      const [field, cidr] = ranges[i]!;
      const [otherField, other] = ranges[j]!;
      if (cidrsOverlap(cidr, other)) {
        throw errors.invalid(field, `overlaps ${otherField}; the three ranges must be disjoint`);
      }
    }
  }
}

function checkUnique(values: readonly string[], field: (i: number) => string, what: string): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (seen.has(value)) throw errors.invalid(field(i), `duplicate ${what} "${value}"`);
    seen.add(value);
  });
}

function checkNamed(
  value: string,
  items: readonly { name: string }[] | undefined,
  field: string,
  what: string,
): void {
  if (items && !items.some((item) => item.name === value)) {
    const known = items.map((item) => item.name).join(', ');
    throw errors.invalid(field, `unknown ${what} "${value}"; known: ${known}`);
  }
}

/** Validates one node group's spec; `path` prefixes field names (e.g. `spec.nodeGroups[1]`). */
export function validateNodeGroupSpec(
  spec: NodeGroupSpec,
  path = 'spec',
  catalog?: CatalogSnapshot,
): void {
  const { autoscaling, count } = spec;
  if (autoscaling.min > autoscaling.max) {
    throw errors.invalid(
      `${path}.autoscaling.min`,
      `min (${autoscaling.min}) is above max (${autoscaling.max})`,
    );
  }
  if (autoscaling.enabled && (count < autoscaling.min || count > autoscaling.max)) {
    throw errors.invalid(
      `${path}.count`,
      `count ${count} must lie within autoscaling bounds [${autoscaling.min}, ${autoscaling.max}]`,
    );
  }
  checkUnique(
    spec.taints.map((t) => `${t.key}:${t.effect}`),
    (i) => `${path}.taints[${i}]`,
    'taint',
  );
  checkNamed(spec.flavor, catalog?.flavors, `${path}.flavor`, 'flavor');
  checkNamed(spec.zone, catalog?.zones, `${path}.zone`, 'zone');
  checkNamed(spec.volume.type, catalog?.volumeTypes, `${path}.volume.type`, 'volume type');
  if (spec.version !== undefined && catalog && !resolveVersion(spec.version, catalog.versions)) {
    const known = catalog.versions.map((v) => v.version).join(', ');
    throw errors.invalid(
      `${path}.version`,
      `unsupported version "${spec.version}"; supported: ${known}`,
    );
  }
}

/**
 * A node group's own version against the cluster's (upstream's kubelet skew: never newer, at
 * most three minors older). `path` names the group's spec.
 */
export function validateNodeGroupVersion(
  groupVersion: string | undefined,
  clusterVersion: string,
  path = 'spec',
): void {
  if (groupVersion === undefined) return;
  const refusal = skewRefusal(groupVersion, clusterVersion);
  if (refusal) throw errors.invalid(`${path}.version`, refusal);
}

function checkAddons(addons: ClusterSpec['addons'], catalog?: CatalogSnapshot): void {
  checkUnique(
    addons.map((a) => a.name),
    (i) => `spec.addons[${i}].name`,
    'addon',
  );
  addons.forEach((addon, i) => {
    checkNamed(addon.name, catalog?.addons, `spec.addons[${i}].name`, 'addon');
    const item = catalog?.addons.find((a) => a.name === addon.name);
    if (item && addon.version !== undefined && !item.versions.includes(addon.version)) {
      throw errors.invalid(
        `spec.addons[${i}].version`,
        `addon ${addon.name} has no version "${addon.version}"; known: ${item.versions.join(', ')}`,
      );
    }
    parseAddonSettings(addon.name, addon.config, `spec.addons[${i}].config`);
  });
}

/** Validates a full (defaulted) cluster spec, including its node groups. */
export function validateClusterSpec(spec: ClusterSpec, catalog?: CatalogSnapshot): void {
  if (catalog && !resolveVersion(spec.version, catalog.versions)) {
    const known = catalog.versions.map((v) => v.version).join(', ');
    throw errors.invalid(
      'spec.version',
      `unsupported version "${spec.version}"; supported: ${known}`,
    );
  }
  checkNamed(spec.controlPlane.flavor, catalog?.flavors, 'spec.controlPlane.flavor', 'flavor');
  checkUnique(spec.zones, (i) => `spec.zones[${i}]`, 'zone');
  spec.zones.forEach((zone, i) => checkNamed(zone, catalog?.zones, `spec.zones[${i}]`, 'zone'));
  checkNetwork(spec.network);
  spec.apiAccess.allowedCidrs.forEach((c, i) => cidrAt(c, `spec.apiAccess.allowedCidrs[${i}]`));
  checkUnique(
    spec.nodeGroups.map((g) => g.name),
    (i) => `spec.nodeGroups[${i}].name`,
    'node group name',
  );
  spec.nodeGroups.forEach((group, i) => {
    const { name: _name, ...groupSpec } = group;
    validateNodeGroupSpec(groupSpec, `spec.nodeGroups[${i}]`, catalog);
    validateNodeGroupVersion(groupSpec.version, spec.version, `spec.nodeGroups[${i}]`);
  });
  checkAddons(spec.addons, catalog);
}
