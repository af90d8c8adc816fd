/**
 * Server groups (Nova's model). `soft-anti-affinity` places each new member on the hypervisor of
 * its zone holding the fewest members of the group, so members land on distinct hypervisors
 * whenever the zone has enough of them, and still get created when it does not.
 * `anti-affinity` is the hard form: creating a member fails with `BERTH_ERR_PROVIDER_QUOTA` when
 * every hypervisor of the zone already holds one.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';

export type ServerGroupPolicy = 'soft-anti-affinity' | 'anti-affinity';

export interface ServerGroup extends ProviderObject {
  policy: ServerGroupPolicy;
  /** Ids of the servers created in the group, oldest first. */
  memberIds: string[];
}

export interface CreateServerGroupInput extends CreateInput {
  policy: ServerGroupPolicy;
}

export interface ServerGroupService {
  create(input: CreateServerGroupInput, signal: AbortSignal): Promise<ServerGroup>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<ServerGroup>;
  find(input: FindInput, signal: AbortSignal): Promise<ServerGroup | undefined>;
  list(input: ListInput, signal: AbortSignal): Promise<ServerGroup[]>;
  /** Members keep running; they just stop counting for placement. */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;
}
