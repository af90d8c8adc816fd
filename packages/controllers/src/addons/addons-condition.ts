/**
 * The AddonsReady condition from the addons' statuses, as a pure function: False with the
 * failures when one is Failed, False with what moves while one is Installing or Removing, True
 * otherwise (also when no addon is left).
 */
import type { AddonStatus, Cluster, Condition } from '@berth/api-types';
import { ADDONS_READY } from '@berth/controller-ports';
import { setCondition } from '../conditions.js';

export function addonsCondition(cluster: Cluster, statuses: AddonStatus[], now: Date): Condition {
  const failed = statuses.filter((s) => s.phase === 'Failed');
  const busy = statuses.filter((s) => s.phase === 'Installing' || s.phase === 'Removing');
  const input =
    failed.length > 0
      ? {
          status: 'False' as const,
          reason: 'AddonFailed',
          message: failed.map((s) => `${s.name}: ${s.message}`).join('; '),
        }
      : busy.length > 0
        ? {
            status: 'False' as const,
            reason: `Addon${busy[0]!.phase}`,
            message: busy.map((s) => `${s.name}: ${s.message}`).join('; '),
          }
        : {
            status: 'True' as const,
            reason: 'AddonsInstalled',
            message:
              statuses.length === 0
                ? 'no addons'
                : `${statuses.map((s) => s.name).join(', ')} installed`,
          };
  const [condition] = setCondition(
    cluster.status.conditions.filter((c) => c.type === ADDONS_READY),
    { type: ADDONS_READY, ...input },
    now,
    cluster.metadata.generation,
  );
  return condition!;
}

export function sameCondition(a: Condition | undefined, b: Condition): boolean {
  return (
    a !== undefined &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.observedGeneration === b.observedGeneration
  );
}
