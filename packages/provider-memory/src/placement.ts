/**
 * Nova-style placement on simulated hypervisors. Pure, so the spreading rule is tested directly.
 */
import type { Hypervisor, ServerGroupPolicy } from '@berth/provider-api';

export interface PlacementInput {
  zone: string;
  hypervisors: readonly Hypervisor[];
  /** Servers already placed. */
  servers: readonly { hypervisor: string; serverGroupId: string | null }[];
  group?: { id: string; policy: ServerGroupPolicy };
}

/**
 * The `up` hypervisor of `zone` with the fewest members of the group, then the fewest servers,
 * then the first by name. Hard anti-affinity admits only hypervisors without a member. Returns
 * undefined when nothing fits.
 */
export function chooseHypervisor(input: PlacementInput): string | undefined {
  const groupId = input.group?.id;
  const scored = input.hypervisors
    .filter((h) => h.zone === input.zone && h.state === 'up')
    .map((h) => {
      const here = input.servers.filter((s) => s.hypervisor === h.name);
      const members =
        groupId === undefined ? 0 : here.filter((s) => s.serverGroupId === groupId).length;
      return { name: h.name, members, load: here.length };
    })
    .filter((h) => input.group?.policy !== 'anti-affinity' || h.members === 0)
    .sort((a, b) => a.members - b.members || a.load - b.load || a.name.localeCompare(b.name));
  return scored[0]?.name;
}
