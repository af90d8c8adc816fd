/**
 * Volumes (Cinder's model) as sparse files under the data dir, one folder per volume type.
 * Attachment is bookkeeping on the volume and the server, plus a symlink `dev/vdX` in the
 * server's root pointing at the file, so software in the server can find "its disk".
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  providerErrors,
  validateNameAndTags,
  type AttachVolumeInput,
  type CreateVolumeInput,
  type DetachVolumeInput,
  type FindInput,
  type IdInput,
  type ListVolumesInput,
  type Volume,
  type VolumeService,
} from '@berth/provider-api';
import { mutate, newId, read, serverDir, type ProviderContext } from './context.js';
import { copy, findByName, findSame, withTags } from './repo.js';

const GIB = 1024 ** 3;
const DEVICES = 'bcdefghijklmnopqrstuvwxyz'.split('').map((c) => `/dev/vd${c}`);

export class LocalVolumes implements VolumeService {
  constructor(private readonly ctx: ProviderContext) {}

  create(input: CreateVolumeInput, signal: AbortSignal): Promise<Volume> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      this.ctx.catalog.requireVolumeType(input.volumeType);
      if (!Number.isInteger(input.sizeGb) || input.sizeGb < 1) {
        throw providerErrors.invalid('sizeGb', 'size is a whole number of GiB, at least 1');
      }
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
      if (current?.serverId === server.id) return copy(volume.obj);
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
      return copy(await attachVolume(this.ctx, input.id, server.id, device));
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
        return copy(volume);
      }
      return copy(await detachVolume(this.ctx, volume.id));
    });
  }
}

/** Records a checked attachment on both sides and links the device into the server's root. */
export async function attachVolume(
  ctx: ProviderContext,
  volumeId: string,
  serverId: string,
  device: string,
): Promise<Volume> {
  await ctx.repos.servers.update(serverId, (e) =>
    e.obj.volumeAttachments.push({ volumeId, device }),
  );
  const updated = await ctx.repos.volumes.update(volumeId, (e) => {
    e.obj.attachment = { serverId, device, attachedAt: ctx.now() };
    e.obj.status = 'in-use';
  });
  linkDevice(ctx, serverId, device, updated.local.file);
  return updated.obj;
}

/** Clears a volume's attachment on both sides. */
export async function detachVolume(ctx: ProviderContext, volumeId: string): Promise<Volume> {
  const volume = (await ctx.repos.volumes.require(volumeId)).obj;
  const current = volume.attachment;
  if (current === null) return volume;
  const server = await ctx.repos.servers.get(current.serverId);
  if (server !== undefined) {
    await ctx.repos.servers.update(current.serverId, (e) => {
      e.obj.volumeAttachments = e.obj.volumeAttachments.filter((a) => a.volumeId !== volumeId);
    });
  }
  fs.rmSync(devicePath(ctx, current.serverId, current.device), { force: true });
  const updated = await ctx.repos.volumes.update(volumeId, (e) => {
    e.obj.attachment = null;
    e.obj.status = 'available';
  });
  return updated.obj;
}

export async function detachAllVolumes(ctx: ProviderContext, serverId: string): Promise<void> {
  for (const entry of await ctx.repos.volumes.all()) {
    if (entry.obj.attachment?.serverId === serverId) await detachVolume(ctx, entry.obj.id);
  }
}

function devicePath(ctx: ProviderContext, serverId: string, device: string): string {
  return path.join(serverDir(ctx, serverId), 'root', device);
}

function linkDevice(ctx: ProviderContext, serverId: string, device: string, file: string): void {
  const link = devicePath(ctx, serverId, device);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(file, link);
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
