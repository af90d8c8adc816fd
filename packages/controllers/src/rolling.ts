/**
 * Rolling replacement: a server whose flavor or user data differs from what its role should run
 * now (a new flavor, a new Kubernetes version, changed labels or taints) is replaced — masters
 * in their slot, one at a time (cluster/masters.ts); workers by surge, `maxUnavailable` at a
 * time (nodegroup/rolling-update.ts).
 */
import { hashUserData, type Server, type UserData } from '@berth/provider-api';

/** `"25%"` of 8 → 2, `"3"` → 3; never below 1, so an update always progresses. */
export function maxUnavailableCount(spec: string, count: number): number {
  const percent = spec.endsWith('%');
  const value = Number(percent ? spec.slice(0, -1) : spec);
  const absolute = percent ? Math.floor((count * value) / 100) : value;
  return Math.max(1, Number.isFinite(absolute) ? absolute : 1);
}

/** What a server in a slot should be: compared whole, so no provider can hide a change. */
export interface DesiredServer {
  flavor: string;
  userData: UserData;
}

export function isOutdated(server: Server, desired: DesiredServer): boolean {
  return server.flavor !== desired.flavor || server.userDataHash !== hashUserData(desired.userData);
}
