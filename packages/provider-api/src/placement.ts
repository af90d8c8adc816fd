/**
 * Nova-style placement on simulated hypervisors, shared by every provider that simulates them.
 * Soft anti-affinity picks the `up` hypervisor of the zone holding the fewest members of the
 * server's group; hard anti-affinity admits only hypervisors holding none. Ties go to the one
 * with the fewest servers overall, then by name, so placement is deterministic.
 */
import type { Hypervisor } from './catalog.js';
import type { ServerGroupPolicy } from './server-groups.js';
import { providerErrors } from './provider-errors.js';

export interface PlacementRequest {
  zone: string;
  hypervisors: readonly Hypervisor[];
  /** How many servers a hypervisor holds now. */
  load: (hypervisor: string) => number;
  /** Hypervisor of every existing member of the server's group (empty without a group). */
  groupMembers: readonly string[];
  policy: ServerGroupPolicy | undefined;
}

/** @throws BerthError `BERTH_ERR_PROVIDER_QUOTA` when no hypervisor qualifies. */
export function chooseHypervisor(req: PlacementRequest): string {
  const members = new Map<string, number>();
  for (const h of req.groupMembers) members.set(h, (members.get(h) ?? 0) + 1);
  const ranked = req.hypervisors
    .filter((h) => h.zone === req.zone && h.state === 'up')
    .map((h) => ({ name: h.name, members: members.get(h.name) ?? 0, load: req.load(h.name) }))
    .filter((h) => req.policy !== 'anti-affinity' || h.members === 0)
    .sort((a, b) => a.members - b.members || a.load - b.load || a.name.localeCompare(b.name));
  const chosen = ranked[0];
  if (chosen === undefined) {
    throw providerErrors.quota(
      'hypervisors',
      req.policy === 'anti-affinity'
        ? `every hypervisor of zone ${req.zone} already holds a member of the group`
        : `zone ${req.zone} has no hypervisor up`,
    );
  }
  return chosen.name;
}

/** A `load` over a list of servers' hypervisors, counted once. */
export function loadOf(placed: Iterable<string>): (hypervisor: string) => number {
  const counts = new Map<string, number>();
  for (const h of placed) counts.set(h, (counts.get(h) ?? 0) + 1);
  return (hypervisor) => counts.get(hypervisor) ?? 0;
}
