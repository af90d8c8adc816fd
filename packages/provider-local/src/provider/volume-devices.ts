/**
 * The host side of attached volumes: a loop device over the volume's file, its node inside the
 * server (`root/dev/vdX`, in the server's mount namespace only) and its type's limits on the
 * server's cgroups. Attachments themselves are bookkeeping in the inventory (volumes.ts); this
 * makes the host match them, and is safe to repeat.
 */
import fs from 'node:fs';
import path from 'node:path';
import { providerErrors, type Volume, type VolumeAttachment } from '@berth/provider-api';
import { serverLayout } from '../agent/layout.js';
import { writeFileAtomicSync } from '../fs-atomic.js';
import { applyBlockLimits, type DeviceLimits } from '../machine/blkio.js';
import {
  ensureLoop,
  exposeDevice,
  isDeviceBusy,
  loopsOf,
  releaseLoops,
  resizeLoops,
  unexposeDevice,
} from '../machine/block-devices.js';
import { hierarchies } from '../machine/cgroups.js';
import { mountNamespaceOf, mountPoints, type MountNamespace } from '../machine/mount-ns.js';
import { serverDir, type ProviderContext } from './context.js';

/** How long a server delete waits for its volumes' loop devices to go once its namespace ended. */
const RELEASE_WAIT_MS = 5_000;

export class VolumeDevices {
  constructor(private readonly ctx: ProviderContext) {}

  /** Sets up the loop device, shows it in the server when it runs, applies the type's limits. */
  async attach(
    file: string,
    serverId: string,
    device: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const loop = await ensureLoop(this.ctx.runner, file, signal);
    const ns = this.liveNamespace(serverId);
    if (ns !== undefined)
      await exposeDevice(
        this.ctx.runner,
        ns,
        this.devDir(serverId),
        path.basename(device),
        loop,
        signal,
      );
    await this.syncLimits(serverId);
  }

  /**
   * Takes the device out of the server and detaches the loop device. `BERTH_ERR_CONFLICT` while
   * it is mounted (anywhere) unless `force`: then its mounts in the server are unmounted lazily
   * and the loop device goes once the last file open on it is closed.
   */
  async detach(
    file: string,
    attachment: VolumeAttachment,
    force: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    const loops = loopsOf(file).filter((l) => !l.autoclear);
    if (!force && loops.some((l) => isDeviceBusy(l.device))) {
      throw providerErrors.conflict(
        `volume device ${attachment.device} is in use (mounted) in server ${attachment.serverId}; unmount it or detach with force`,
      );
    }
    const ns = this.liveNamespace(attachment.serverId);
    const name = path.basename(attachment.device);
    for (const loop of loops) {
      if (ns !== undefined)
        await unexposeDevice(
          this.ctx.runner,
          ns,
          this.devDir(attachment.serverId),
          name,
          loop.id,
          force,
          signal,
        );
    }
    await releaseLoops(this.ctx.runner, file, ns === undefined ? RELEASE_WAIT_MS : 0, signal);
  }

  /** Grows the loop devices over `file` to the file's new size. */
  resize(file: string, signal?: AbortSignal): Promise<void> {
    return resizeLoops(this.ctx.runner, file, signal);
  }

  /** After the server's machine booted: every attached volume shown in it, limits applied. */
  async boot(serverId: string, signal?: AbortSignal): Promise<void> {
    for (const { volume, file } of await this.attachedTo(serverId)) {
      await this.attach(file, serverId, volume.attachment!.device, signal);
    }
    await this.syncLimits(serverId);
  }

  /**
   * Writes the server's block limits (its attached volumes' types, by loop device number) for
   * its agent, and applies them to its cgroups now when it runs.
   */
  async syncLimits(serverId: string): Promise<void> {
    const devices: DeviceLimits[] = [];
    for (const { volume, file } of await this.attachedTo(serverId)) {
      const loop = loopsOf(file).find((l) => !l.autoclear);
      const type = this.ctx.catalog.config.volumeTypes.find((t) => t.name === volume.volumeType);
      if (loop !== undefined && type !== undefined)
        devices.push({ device: loop.id, limits: type.limits });
    }
    const dir = serverDir(this.ctx, serverId);
    if (!fs.existsSync(dir)) return;
    writeFileAtomicSync(serverLayout(dir).blockLimits, JSON.stringify(devices, null, 2));
    const group = blkioGroupDir(this.ctx.machines.cgroupPath(serverId));
    if (group !== undefined && fs.existsSync(group)) applyBlockLimits(group, devices);
  }

  private async attachedTo(serverId: string): Promise<Array<{ volume: Volume; file: string }>> {
    return (await this.ctx.repos.volumes.all())
      .filter((e) => e.obj.attachment?.serverId === serverId)
      .map((e) => ({ volume: e.obj, file: e.local.file }));
  }

  private devDir(serverId: string): string {
    return path.join(serverDir(this.ctx, serverId), 'root', 'dev');
  }

  /** The server's mount namespace while its machine is booted. */
  private liveNamespace(serverId: string): MountNamespace | undefined {
    const ns = mountNamespaceOf(serverDir(this.ctx, serverId));
    return mountPoints().includes(ns.file) ? ns : undefined;
  }
}

/** The group's directory in the blkio hierarchy of a cgroup v1 host; undefined on v2. */
function blkioGroupDir(groupPath: string): string | undefined {
  const hierarchy = hierarchies().find((h) => path.basename(h).split(',').includes('blkio'));
  return hierarchy === undefined ? undefined : path.join(hierarchy, groupPath);
}
