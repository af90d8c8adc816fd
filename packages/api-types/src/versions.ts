/** Kubernetes version arithmetic: resolving a spec version against the catalog, upgrade rules. */
import type { VersionItem } from './catalog.js';

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number | undefined;
}

export function parseVersion(text: string): ParsedVersion | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? undefined : Number(match[3]),
  };
}

/** The catalog entry a spec version names: a minor ("1.34") or that minor's exact patch. */
export function resolveVersion(
  text: string,
  versions: readonly VersionItem[],
): VersionItem | undefined {
  return versions.find((v) => v.version === text || v.patch === text);
}

/**
 * Why `to` is not a valid upgrade from `from`, or undefined when it is. Upgrades move forward by
 * at most one minor (Kubernetes' version-skew policy); same-minor patch moves must go up.
 */
export function upgradeRefusal(from: string, to: string): string | undefined {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (!a || !b) return `cannot compare versions "${from}" and "${to}"`;
  if (b.major !== a.major) return `cannot change the major version (${from} → ${to})`;
  if (b.minor < a.minor) return `${to} is older than ${from}; downgrades are not supported`;
  if (b.minor > a.minor + 1) {
    return `${to} skips a minor version; upgrade one minor at a time (next: ${a.major}.${a.minor + 1})`;
  }
  if (b.minor === a.minor) {
    if (b.patch === undefined || (a.patch !== undefined && b.patch <= a.patch)) {
      return `the cluster already runs ${from}; choose a newer version`;
    }
  }
  return undefined;
}
