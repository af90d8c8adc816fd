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

/**
 * How many minors a kubelet may lag the API server: three since Kubernetes 1.28 (KEP-3935,
 * https://kubernetes.io/releases/version-skew-policy/#kubelet); it may never be newer.
 */
export const MAX_KUBELET_SKEW = 3;

/**
 * Orders two versions: negative when `a` is older. A bare minor ("1.34") stands for its newest
 * patch, so it sorts after every exact patch of that minor. Unparseable text sorts as equal.
 */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return 0;
  const patch = (v: ParsedVersion) => v.patch ?? Number.POSITIVE_INFINITY;
  if (x.major !== y.major) return x.major - y.major;
  if (x.minor !== y.minor) return x.minor - y.minor;
  return patch(x) === patch(y) ? 0 : patch(x) < patch(y) ? -1 : 1;
}

/** Minors `older` is behind `newer` (negative when it is ahead); undefined when unparseable. */
export function minorsBehind(older: string, newer: string): number | undefined {
  const a = parseVersion(older);
  const b = parseVersion(newer);
  if (!a || !b || a.major !== b.major) return undefined;
  return b.minor - a.minor;
}

/**
 * Why nodes at `nodes` cannot run against a control plane at `controlPlane` (upstream's skew
 * policy: never newer, at most `MAX_KUBELET_SKEW` minors older), or undefined when they can.
 */
export function skewRefusal(nodes: string, controlPlane: string): string | undefined {
  const behind = minorsBehind(nodes, controlPlane);
  if (behind === undefined) return `cannot compare versions "${nodes}" and "${controlPlane}"`;
  if (behind < 0 || (behind === 0 && compareVersions(nodes, controlPlane) > 0)) {
    return `${nodes} is newer than the control plane (${controlPlane}); nodes may never run a newer version than the API server`;
  }
  if (behind > MAX_KUBELET_SKEW) {
    return `${nodes} is ${behind} minors behind the control plane (${controlPlane}); kubelets may lag the API server by at most ${MAX_KUBELET_SKEW} minors`;
  }
  return undefined;
}

/**
 * The version a node group's nodes should run now: its own `spec.version`, else its cluster's,
 * but never past what every master already runs (`controlPlaneVersion`) — so during an upgrade a
 * group that follows the cluster waits until the last master runs the new release.
 */
export function nodeGroupTargetVersion(
  groupVersion: string | undefined,
  clusterVersion: string,
  controlPlaneVersion: string | undefined,
): string {
  const wanted = groupVersion ?? clusterVersion;
  if (controlPlaneVersion === undefined) return wanted;
  return compareVersions(wanted, controlPlaneVersion) > 0 ? controlPlaneVersion : wanted;
}
