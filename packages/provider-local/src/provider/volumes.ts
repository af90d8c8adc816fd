/**
 * Volumes (Cinder's model) as sparse files under the data dir, one folder per volume type.
 * Attachment is bookkeeping on the volume and the server, plus a real block device inside the
 * server: a loop device over the file, shown as `root/dev/vdX` in the server's mount namespace
 * and throttled to its type's limits (volume-devices.ts).
 *
 * Every call runs under the provider's writer lock; the transitional statuses (`attaching`,
 * `detaching`, `extending`) are written while the host work runs, so another process reading
 * the inventory sees them. One found by a call holding the lock was left by a call that died
 * half-way: it counts as the settled status and the repeated call finishes the work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '@berth/errors';
import {
  providerErrors,
  requireExtendable,
  validateNameAndTags,
  validateVolumeSize,
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
import { releaseLoops } from '../machine/block-devices.js';
import { mutate, newId, read, type ProviderContext } from './context.js';
import { copy, findByName, findSame, withTags } from './repo.js';
import { VolumeDevices } from './volume-devices.js';

const GIB = 1024 ** 3;
const DEVICES = 'bcdefghijklmnopqrstuvwxyz'.split('').map((c) => `/dev/vd${c}`);

export class LocalVolumes implements VolumeService {
  constructor(private readonly ctx: ProviderContext) {}

  create(input: CreateVolumeInput, signal: AbortSignal): Promise<Volume> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      validateVolumeSize(input.sizeGb, this.ctx.catalog.requireVolumeType(input.volumeType));
      this.ctx.catalog.requireZone(input.zone);
      const existing = findSame(await this.ctx.repos.volumes.all(), input);
      if (existing !== undefined) return copy(existing.obj);
      const id = newId();
      const file = path.join(this.ctx.dataDir, 'volumes', input.volumeType, `${id}.img`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '');
      fs.truncateSync(file, input.sizeGb * GIB);
      const volume: Volume = {
        id,
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        volumeType: input.volumeType,
        sizeGb: input.sizeGb,
        zone: input.zone,
        status: 'available',
        attachment: null,
      };
      await this.ctx.repos.volumes.put(volume, { file });
      return copy(volume);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Volume> {
    return read(signal, async () => copy((await this.ctx.repos.volumes.require(input.id)).obj));
  }

  find(input: FindInput, signal: AbortSignal): Promise<Volume | undefined> {
    return read(signal, async () =>
      copy(findByName(await this.ctx.repos.volumes.all(), input.name, input.tags)),
    );
  }

  list(input: ListVolumesInput, signal: AbortSignal): Promise<Volume[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.volumes.all(), input.tags)
        .map((e) => copy(e.obj))
        .filter((v) => input.serverId === undefined || v.attachment?.serverId === input.serverId),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      const entry = await this.ctx.repos.volumes.get(input.id);
      if (entry === undefined) return;
      if (entry.obj.attachment !== null) {
        throw providerErrors.conflict(
          `volume ${input.id} is attached to ${entry.obj.attachment.serverId}`,
        );
      }
      await releaseLoops(this.ctx.runner, entry.local.file, 0, signal);
      fs.rmSync(entry.local.file, { force: true });
      removeEmptyDirs(path.dirname(entry.local.file), path.join(this.ctx.dataDir, 'volumes'));
      await this.ctx.repos.volumes.delete(input.id);
    });
  }

  attach(input: AttachVolumeInput, signal: AbortSignal): Promise<Volume> {
    return mutate(this.ctx, signal, async () => {
      const volume = await this.ctx.repos.volumes.require(input.id);
      const server = (await this.ctx.repos.servers.require(input.serverId)).obj;
      const current = volume.obj.attachment;
      if (current?.serverId === server.id) {
        if (volume.obj.status === 'in-use') return copy(volume.obj);
        // Left `attaching` by a call that died half-way: finish it on the same device.
        return copy(await attachVolume(this.ctx, input.id, server.id, current.device, signal));
      }
      if (volume.obj.status === 'error') {
        throw providerErrors.invalidState(`volume ${input.id} is in error; it cannot be attached`);
      }
      if (current !== null) {
        throw providerErrors.conflict(`volume ${input.id} is attached to ${current.serverId}`);
      }
      if (server.zone !== volume.obj.zone) {
        throw providerErrors.invalid(
          'serverId',
          `server is in ${server.zone}, volume in ${volume.obj.zone}`,
        );
      }
      const used = new Set(server.volumeAttachments.map((a) => a.device));
      const device = DEVICES.find((d) => !used.has(d));
      if (device === undefined)
        throw providerErrors.quota('device', `server ${server.id} has no free device`);
      return copy(await attachVolume(this.ctx, input.id, server.id, device, signal));
    });
  }

  detach(input: DetachVolumeInput, signal: AbortSignal): Promise<Volume> {
    return mutate(this.ctx, signal, async () => {
      const volume = (await this.ctx.repos.volumes.require(input.id)).obj;
      const current = volume.attachment;
      if (
        current === null ||
        (input.serverId !== undefined && input.serverId !== current.serverId)
      ) {
        return copy(settled(volume));
      }
      return copy(await detachVolume(this.ctx, volume.id, input.force ?? false, signal));
    });
  }

  extend(input: ExtendVolumeInput, signal: AbortSignal): Promise<Volume> {
    return mutate(this.ctx, signal, async () => {
      const entry = await this.ctx.repos.volumes.require(input.id);
      const volume = settled(entry.obj);
      requireExtendable(volume);
      const type = this.ctx.catalog.requireVolumeType(volume.volumeType);
      validateVolumeSize(input.sizeGb, type, volume.sizeGb);
      if (input.sizeGb === volume.sizeGb && entry.obj.status === volume.status) return copy(volume);
      const file = entry.local.file;
      const updated = await transition(
        this.ctx,
        volume,
        'extending',
        async () => {
          // A grown sparse file costs no space; the loop device (if attached) takes the new size.
          fs.truncateSync(file, Math.max(fs.statSync(file).size, input.sizeGb * GIB));
          await new VolumeDevices(this.ctx).resize(file, signal);
        },
        (v) => {
          v.sizeGb = input.sizeGb;
        },
      );
      return copy(updated);
    });
  }
}

/** The status a volume has once no call works on it (see the module comment). */
function settled(volume: Volume): Volume {
  const busy: Volume['status'][] = ['attaching', 'detaching', 'extending'];
  if (!busy.includes(volume.status)) return volume;
  return { ...volume, status: volume.attachment === null ? 'available' : 'in-use' };
}

/**
 * Writes `during` as the volume's status, runs the host work, then applies `done` and the
 * settled status. When the work fails the volume returns to its status before, and the error
 * is rethrown (a BerthError as is, anything else as `BERTH_ERR_PROVIDER`).
 */
async function transition(
  ctx: ProviderContext,
  volume: Volume,
  during: Volume['status'],
  work: () => Promise<void>,
  done: (volume: Volume) => void,
): Promise<Volume> {
  await ctx.repos.volumes.update(volume.id, (e) => {
    e.obj.status = during;
  });
  try {
    await work();
  } catch (err) {
    await ctx.repos.volumes.update(volume.id, (e) => {
      e.obj.status = volume.status;
    });
    if (err instanceof BerthError && err.code !== 'BERTH_ERR_COMMAND_FAILED') throw err;
    throw providerErrors.backend(`volume ${volume.id}: ${during} failed: ${String(err)}`, err);
  }
  const updated = await ctx.repos.volumes.update(volume.id, (e) => {
    done(e.obj);
    e.obj.status = e.obj.attachment === null ? 'available' : 'in-use';
  });
  return updated.obj;
}

/**
 * Attaches a checked volume: the device set up on the host (and shown in the server when it
 * runs), then the attachment recorded on both sides.
 */
export async function attachVolume(
  ctx: ProviderContext,
  volumeId: string,
  serverId: string,
  device: string,
  signal?: AbortSignal,
): Promise<Volume> {
  const entry = await ctx.repos.volumes.require(volumeId);
  const volume = settled(entry.obj);
  return transition(
    ctx,
    volume,
    'attaching',
    async () => {
      await ctx.repos.servers.update(serverId, (e) => {
        e.obj.volumeAttachments = e.obj.volumeAttachments.filter((a) => a.volumeId !== volumeId);
        e.obj.volumeAttachments.push({ volumeId, device });
      });
      try {
        await ctx.repos.volumes.update(volumeId, (e) => {
          e.obj.attachment = { serverId, device, attachedAt: ctx.now() };
        });
        await new VolumeDevices(ctx).attach(entry.local.file, serverId, device, signal);
      } catch (err) {
        await forgetAttachment(ctx, volumeId, serverId);
        throw err;
      }
    },
    () => undefined,
  );
}

/**
 * Detaches a volume: the device taken out of the server and the host (refused while mounted
 * unless `force`, see VolumeDevices.detach), then the attachment cleared on both sides.
 */
export async function detachVolume(
  ctx: ProviderContext,
  volumeId: string,
  force: boolean,
  signal?: AbortSignal,
): Promise<Volume> {
  const entry = await ctx.repos.volumes.require(volumeId);
  const volume = settled(entry.obj);
  const current = volume.attachment;
  if (current === null) return volume;
  return transition(
    ctx,
    volume,
    'detaching',
    async () => {
      await new VolumeDevices(ctx).detach(entry.local.file, current, force, signal);
      await forgetAttachment(ctx, volumeId, current.serverId);
      await new VolumeDevices(ctx).syncLimits(current.serverId);
    },
    () => undefined,
  );
}

/** Server delete: its machine is gone, so nothing in it holds a device any more. */
export async function detachAllVolumes(ctx: ProviderContext, serverId: string): Promise<void> {
  for (const entry of await ctx.repos.volumes.all()) {
    if (entry.obj.attachment?.serverId === serverId) await detachVolume(ctx, entry.obj.id, true);
  }
}

async function forgetAttachment(
  ctx: ProviderContext,
  volumeId: string,
  serverId: string,
): Promise<void> {
  if ((await ctx.repos.servers.get(serverId)) !== undefined) {
    await ctx.repos.servers.update(serverId, (e) => {
      e.obj.volumeAttachments = e.obj.volumeAttachments.filter((a) => a.volumeId !== volumeId);
    });
  }
  await ctx.repos.volumes.update(volumeId, (e) => {
    e.obj.attachment = null;
  });
}

function removeEmptyDirs(dir: string, stopAt: string): void {
  for (let d = dir; d.startsWith(stopAt); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return;
    }
  }
}
