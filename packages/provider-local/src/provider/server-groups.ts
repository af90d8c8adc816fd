/** Server groups (Nova's model): a placement policy and its members. */
import {
  validateNameAndTags,
  type CreateServerGroupInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type ServerGroup,
  type ServerGroupService,
} from '@berth/provider-api';
import { mutate, newId, read, type ProviderContext } from './context.js';
import { NONE } from './records.js';
import { copy, findByName, findSame, withTags } from './repo.js';

export class LocalServerGroups implements ServerGroupService {
  constructor(private readonly ctx: ProviderContext) {}

  create(input: CreateServerGroupInput, signal: AbortSignal): Promise<ServerGroup> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      const existing = findSame(await this.ctx.repos.serverGroups.all(), input);
      if (existing !== undefined) return copy(existing.obj);
      const group: ServerGroup = {
        id: newId(),
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        policy: input.policy,
        memberIds: [],
      };
      await this.ctx.repos.serverGroups.put(group, NONE);
      return copy(group);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<ServerGroup> {
    return read(signal, async () =>
      copy((await this.ctx.repos.serverGroups.require(input.id)).obj),
    );
  }

  find(input: FindInput, signal: AbortSignal): Promise<ServerGroup | undefined> {
    return read(signal, async () =>
      copy(findByName(await this.ctx.repos.serverGroups.all(), input.name, input.tags)),
    );
  }

  list(input: ListInput, signal: AbortSignal): Promise<ServerGroup[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.serverGroups.all(), input.tags).map((e) => copy(e.obj)),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      await this.ctx.repos.serverGroups.delete(input.id);
    });
  }
}
