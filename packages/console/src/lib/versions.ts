/** Which versions a cluster may be upgraded to: newer, and at most one minor up (docs/api.md). */
import type { VersionItem } from '@berth/api-types';

export interface UpgradeTarget {
  /** What `:upgrade` is sent: the exact patch within the same minor, else the next minor. */
  version: string;
  label: string;
}

function parts(version: string): number[] {
  return version.split('.').map((n) => Number(n));
}

function newer(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/** Offered targets for a cluster running `current` ("1.35" or "1.35.4"), oldest first. */
export function upgradeTargets(current: string, catalog: readonly VersionItem[]): UpgradeTarget[] {
  const now = parts(current);
  const [major = 0, minor = 0] = now;
  const out: UpgradeTarget[] = [];
  for (const v of [...catalog].sort((a, b) => (newer(parts(a.patch), parts(b.patch)) ? 1 : -1))) {
    const [vMajor, vMinor] = parts(v.version);
    if (vMajor !== major) continue;
    if (vMinor === minor + 1) out.push({ version: v.version, label: `${v.version} (${v.patch})` });
    else if (vMinor === minor && newer(parts(v.patch), now))
      out.push({ version: v.patch, label: `${v.patch} (patch)` });
  }
  return out;
}
