import {
  providerErrors,
  requireExtendable,
  validateVolumeSize,
  type VolumeType,
  type AttachVolumeInput,
  type CreateVolumeInput,
  type DetachVolumeInput,
  type ExtendVolumeInput,
  type FindInput,
  type IdInput,
  type ListVolumesInput,
  type Volume,
  type VolumeService,
} from '@berth/provider-api';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import type { VolumeRecord } from './state.js';

const DEVICE_LETTERS = 'bcdefghijklmnopqrstuvwxyz';

export class MemoryVolumes implements VolumeService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('volumes'),
      kind: 'Volume',
      table: (state) => state.volumes,
      view: (v) => this.read(v),
    });
  }

  create(input: CreateVolumeInput, signal: AbortSignal): Promise<Volume> {
    return this.ctx.run('volumes.create', input, signal, () => {
      const { state, catalog } = this.ctx;
      const existing = existingFor(state.volumes, input);
      if (existing) return view(existing);
      validateVolumeSize(input.sizeGb, this.requireType(input.volumeType));
      if (!catalog.zones.some((z) => z.name === input.zone && z.available)) {
        throw providerErrors.invalid('zone', `unknown or unavailable zone "${input.zone}"`);
      }
      const all = Object.values(state.volumes);
      this.ctx.checkQuota('volumes', all.length, 1);
      this.ctx.checkQuota(
        'volumeGb',
        all.reduce((sum, v) => sum + v.sizeGb, 0),
        input.sizeGb,
      );
      const record: VolumeRecord = {
        ...newObject(this.ctx, 'vol', input),
        volumeType: input.volumeType,
        sizeGb: input.sizeGb,
        zone: input.zone,
        attachment: null,
        pendingReads: this.ctx.settleReads,
      };
      state.volumes[record.id] = record;
      return view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Volume> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<Volume | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListVolumesInput, signal: AbortSignal): Promise<Volume[]> {
    return this.reads.list(
      input,
      signal,
      (v) => input.serverId === undefined || v.attachment?.serverId === input.serverId,
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('volumes.delete', input, signal, () => {
      const volume = this.ctx.state.volumes[input.id];
      if (!volume) return;
      if (volume.attachment) {
        throw providerErrors.conflict(
          `volume ${volume.name} is attached to ${volume.attachment.serverId}`,
        );
      }
      delete this.ctx.state.volumes[volume.id];
    });
  }

  attach(input: AttachVolumeInput, signal: AbortSignal): Promise<Volume> {
    return this.ctx.run('volumes.attach', input, signal, () => {
      const { state } = this.ctx;
      const volume = mustGet(state.volumes, 'Volume', input.id);
      const server = mustGet(state.servers, 'Server', input.serverId);
      if (volume.attachment?.serverId === server.id) return view(volume);
      if (volume.attachment) {
        throw providerErrors.conflict(
          `volume ${volume.name} is attached to ${volume.attachment.serverId}; detach it first`,
        );
      }
      if (volume.pendingReads > 0)
        throw providerErrors.conflict(`volume ${volume.name} is still being created`);
      if ((volume.extendingReads ?? 0) > 0)
        throw providerErrors.conflict(`volume ${volume.name} is being extended`);
      if (volume.zone !== server.zone) {
        throw providerErrors.invalid(
          'serverId',
          `volume is in ${volume.zone}, server in ${server.zone}`,
        );
      }
      volume.attachment = {
        serverId: server.id,
        device: this.freeDevice(server.id),
        attachedAt: this.ctx.timestamp(),
      };
      return view(volume);
    });
  }

  /** Memory has no mounts: nothing holds a device, so detach never refuses and `force` changes nothing. */
  detach(input: DetachVolumeInput, signal: AbortSignal): Promise<Volume> {
    return this.ctx.run('volumes.detach', input, signal, () => {
      const volume = mustGet(this.ctx.state.volumes, 'Volume', input.id);
      if (input.serverId === undefined || volume.attachment?.serverId === input.serverId)
        volume.attachment = null;
      return view(volume);
    });
  }

  extend(input: ExtendVolumeInput, signal: AbortSignal): Promise<Volume> {
    return this.ctx.run('volumes.extend', input, signal, () => {
      const volume = mustGet(this.ctx.state.volumes, 'Volume', input.id);
      const current = view(volume);
      requireExtendable(current);
      validateVolumeSize(input.sizeGb, this.requireType(volume.volumeType), volume.sizeGb);
      if (input.sizeGb === volume.sizeGb) return current;
      const all = Object.values(this.ctx.state.volumes);
      this.ctx.checkQuota(
        'volumeGb',
        all.reduce((sum, v) => sum + v.sizeGb, 0),
        input.sizeGb - volume.sizeGb,
      );
      volume.sizeGb = input.sizeGb;
      volume.extendingReads = this.ctx.settleReads;
      return view(volume);
    });
  }

  private requireType(name: string): VolumeType {
    const type = this.ctx.catalog.volumeTypes.find((t) => t.name === name);
    if (type === undefined)
      throw providerErrors.invalid('volumeType', `unknown volume type "${name}"`);
    return type;
  }

  /** The lowest /dev/vdX the server does not use (vda is its root disk). */
  private freeDevice(serverId: string): string {
    const used = new Set(
      Object.values(this.ctx.state.volumes)
        .filter((v) => v.attachment?.serverId === serverId)
        .map((v) => v.attachment!.device),
    );
    const letter = [...DEVICE_LETTERS].find((l) => !used.has(`/dev/vd${l}`));
    if (letter === undefined)
      throw providerErrors.quota('devices', `server ${serverId} has no free device`);
    return `/dev/vd${letter}`;
  }

  private read(record: VolumeRecord): Volume {
    const volume = view(record);
    if (record.pendingReads > 0) {
      record.pendingReads -= 1;
      this.ctx.markDirty();
    } else if ((record.extendingReads ?? 0) > 0) {
      record.extendingReads = (record.extendingReads ?? 0) - 1;
      this.ctx.markDirty();
    }
    return volume;
  }
}

export function view(record: VolumeRecord): Volume {
  const { pendingReads, extendingReads, ...rest } = record;
  const status =
    pendingReads > 0
      ? 'creating'
      : (extendingReads ?? 0) > 0
        ? 'extending'
        : record.attachment
          ? 'in-use'
          : 'available';
  return snapshot({ ...rest, status });
}
