/** Fixtures shared by the store's tests. */
import { applyClusterDefaults, type ClusterSpec } from '@berth/api-types';

export function clusterSpec(groups: string[] = ['workers', 'gpu']): ClusterSpec {
  return applyClusterDefaults(
    { nodeGroups: groups.map((name) => ({ name, count: 2 })) },
    { defaultVersion: '1.34' },
  );
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2025-01-01T00:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
