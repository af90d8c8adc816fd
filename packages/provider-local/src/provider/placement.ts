/**
 * Choosing a simulated hypervisor for a new server, pure. Soft anti-affinity picks the
 * hypervisor of the zone holding the fewest members of the server's group; hard anti-affinity
 * only hypervisors holding none. Ties go to the hypervisor with the fewest servers overall,
 * then by name, so placement is deterministic.
 */
import { providerErrors, type Hypervisor, type ServerGroupPolicy } from '@berth/provider-api';

export interface PlacementRequest {
  zone: string;
  hypervisors: Hypervisor[];
  /** Hypervisor of every existing server. */
  placedServers: string[];
  /** Hypervisor of every existing member of the server's group (empty without a group). */
  groupMembers: string[];
  policy: ServerGroupPolicy | undefined;
}

/** @throws BERTH_ERR_PROVIDER_QUOTA when no hypervisor qualifies. */
export function chooseHypervisor(req: PlacementRequest): string {
  const candidates = req.hypervisors.filter((h) => h.zone === req.zone && h.state === 'up');
  const count = (list: string[], name: string) => list.filter((n) => n === name).length;
  const eligible =
    req.policy === 'anti-affinity'
      ? candidates.filter((h) => count(req.groupMembers, h.name) === 0)
      : candidates;
  const ranked = [...eligible].sort(
    (a, b) =>
      count(req.groupMembers, a.name) - count(req.groupMembers, b.name) ||
      count(req.placedServers, a.name) - count(req.placedServers, b.name) ||
      a.name.localeCompare(b.name),
  );
  const chosen = ranked[0];
  if (chosen === undefined) {
    throw providerErrors.quota(
      'hypervisor',
      req.policy === 'anti-affinity'
        ? `every hypervisor of zone ${req.zone} already holds a member of the group`
        : `zone ${req.zone} has no hypervisor up`,
    );
  }
  return chosen.name;
}
