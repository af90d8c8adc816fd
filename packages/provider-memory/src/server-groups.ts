import {
  providerErrors,
  type CreateServerGroupInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type ServerGroup,
  type ServerGroupService,
} from '@berth/provider-api';
import { existingFor, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import type { ServerGroupRecord } from './state.js';
import { where } from './indexed-table.js';

export class MemoryServerGroups implements ServerGroupService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('serverGroups'),
      kind: 'ServerGroup',
      table: (state) => state.serverGroups,
      view: (g) => this.view(g),
    });
  }

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
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<ServerGroup | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListInput, signal: AbortSignal): Promise<ServerGroup[]> {
    return this.reads.list(input, signal);
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('serverGroups.delete', input, signal, () => {
      const { state } = this.ctx;
      if (!state.serverGroups[input.id]) return;
      for (const server of where(state.servers, 'serverGroupId', input.id)) {
        server.serverGroupId = null;
      }
      delete state.serverGroups[input.id];
    });
  }

  private view(record: ServerGroupRecord): ServerGroup {
    const memberIds = where(this.ctx.state.servers, 'serverGroupId', record.id).map((s) => s.id);
    return snapshot({ ...record, memberIds });
  }
}
