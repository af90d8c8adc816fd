import {
  providerErrors,
  type CreateServerGroupInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type ServerGroup,
  type ServerGroupService,
} from '@berth/provider-api';
import {
  existingFor,
  findByName,
  mustGet,
  newObject,
  snapshot,
  tagged,
  type MemoryContext,
} from './context.js';
import type { ServerGroupRecord } from './state.js';

export class MemoryServerGroups implements ServerGroupService {
  constructor(private readonly ctx: MemoryContext) {}

  create(input: CreateServerGroupInput, signal: AbortSignal): Promise<ServerGroup> {
    return this.ctx.run('serverGroups.create', input, signal, () => {
      const { serverGroups } = this.ctx.state;
      const existing = existingFor(serverGroups, input);
      if (existing) return this.view(existing);
      if (input.policy !== 'soft-anti-affinity' && input.policy !== 'anti-affinity') {
        throw providerErrors.invalid('policy', `unsupported policy "${String(input.policy)}"`);
      }
      const record: ServerGroupRecord = {
        ...newObject(this.ctx, 'servergroup', input),
        policy: input.policy,
      };
      serverGroups[record.id] = record;
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<ServerGroup> {
    return this.ctx.run('serverGroups.get', input, signal, () =>
      this.view(mustGet(this.ctx.state.serverGroups, 'ServerGroup', input.id)),
    );
  }

  find(input: FindInput, signal: AbortSignal): Promise<ServerGroup | undefined> {
    return this.ctx.run('serverGroups.find', input, signal, () => {
      const found = findByName(this.ctx.state.serverGroups, input);
      return found && this.view(found);
    });
  }

  list(input: ListInput, signal: AbortSignal): Promise<ServerGroup[]> {
    return this.ctx.run('serverGroups.list', input, signal, () =>
      tagged(this.ctx.state.serverGroups, input.tags).map((g) => this.view(g)),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('serverGroups.delete', input, signal, () => {
      const { state } = this.ctx;
      if (!state.serverGroups[input.id]) return;
      for (const server of Object.values(state.servers)) {
        if (server.serverGroupId === input.id) server.serverGroupId = null;
      }
      delete state.serverGroups[input.id];
    });
  }

  private view(record: ServerGroupRecord): ServerGroup {
    const memberIds = Object.values(this.ctx.state.servers)
      .filter((s) => s.serverGroupId === record.id)
      .map((s) => s.id);
    return snapshot({ ...record, memberIds });
  }
}
