/**
 * Who owns a node group's `count`. While `autoscaling.enabled`, the cluster autoscaler does: a
 * change of `count` is refused (as managed platforms do), and a change of the bounds moves the
 * count into them. Disabling gives `count` back to the user at the autoscaler's last value.
 */
import type { NodeGroupSpec } from '@berth/api-types';
import { errors } from '@berth/errors';

/** `next` as it will be stored, given the stored `current`; throws naming `${path}.count`. */
export function autoscaledSpec(
  current: NodeGroupSpec,
  next: NodeGroupSpec,
  path: string,
): NodeGroupSpec {
  const owned = current.autoscaling.enabled && next.autoscaling.enabled;
  if (!owned) return next;
  const { min, max } = next.autoscaling;
  const count = Math.min(Math.max(current.count, min), max);
  // A client may send the count the new bounds give (Terraform plans it); nothing else.
  if (next.count !== current.count && next.count !== count) {
    throw errors.invalid(
      `${path}.count`,
      `the cluster autoscaler owns count while autoscaling is enabled (now ${current.count}); ` +
        `change ${path}.autoscaling.min/max, or disable autoscaling to set count yourself`,
    );
  }
  return count === next.count ? next : { ...next, count };
}
