/**
 * The volume port on Berth's provider: CSI volumes are provider volumes tagged as the driver's
 * (plus whatever scope tags the caller gives, e.g. the cluster), nodes are servers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '@berth/errors';
import type { InfraProvider, Tags, Volume, VolumeType } from '@berth/provider-api';
import type { CreatePortVolume, PortVolume, VolumePort } from './volume-port.js';

/** The tag every volume the driver creates carries. */
export const DRIVER_TAG = 'berth.dev/csi-driver';

export interface ProviderVolumesOptions {
  provider: Pick<InfraProvider, 'volumes' | 'servers' | 'catalog'>;
  driverName: string;
  /** Extra tags on every volume, and the scope of `list` (e.g. `berth.dev/cluster`). */
  scope?: Tags;
  /** How long attach, detach and extend wait for the volume to settle. Default 60 s. */
  settleTimeoutMs?: number;
}

export class ProviderVolumes implements VolumePort {
  private readonly tags: Tags;

  constructor(private readonly options: ProviderVolumesOptions) {
    this.tags = { ...options.scope, [DRIVER_TAG]: options.driverName };
  }

  async create(input: CreatePortVolume, signal: AbortSignal): Promise<PortVolume> {
    const { volumes } = this.options.provider;
    const { labels, ...volume } = input;
    const created = await volumes.create({ ...volume, tags: { ...labels, ...this.tags } }, signal);
    return view(await this.settle(created.id, ['available', 'in-use'], signal));
  }

  async get(id: string, signal: AbortSignal): Promise<PortVolume | undefined> {
    const volume = await this.find(id, signal);
    return volume === undefined ? undefined : view(volume);
  }

  async list(signal: AbortSignal): Promise<PortVolume[]> {
    return (await this.options.provider.volumes.list({ tags: this.tags }, signal)).map(view);
  }

  async delete(id: string, signal: AbortSignal): Promise<void> {
    if ((await this.find(id, signal)) === undefined) return;
    await this.options.provider.volumes.delete({ id }, signal);
  }

  async attach(id: string, nodeId: string, signal: AbortSignal): Promise<{ device: string }> {
    await this.options.provider.volumes.attach({ id, serverId: nodeId }, signal);
    const volume = await this.settle(id, ['in-use'], signal);
    if (volume.attachment?.serverId !== nodeId) {
      throw new BerthError('BERTH_ERR_CONFLICT', `volume ${id} is attached to another node`);
    }
    return { device: volume.attachment.device };
  }

  async detach(id: string, nodeId: string, signal: AbortSignal, force = false): Promise<void> {
    if ((await this.find(id, signal)) === undefined) return;
    await this.options.provider.volumes.detach(
      { id, serverId: nodeId, ...(force ? { force } : {}) },
      signal,
    );
    await this.settle(id, ['available', 'in-use'], signal);
  }

  async extend(id: string, sizeGb: number, signal: AbortSignal): Promise<PortVolume> {
    await this.options.provider.volumes.extend({ id, sizeGb }, signal);
    return view(await this.settle(id, ['available', 'in-use'], signal));
  }

  async nodeExists(nodeId: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.options.provider.servers.get({ id: nodeId }, signal);
      return true;
    } catch (err) {
      if (err instanceof BerthError && err.code === 'BERTH_ERR_NOT_FOUND') return false;
      throw err;
    }
  }

  volumeTypes(signal: AbortSignal): Promise<VolumeType[]> {
    return this.options.provider.catalog.listVolumeTypes({}, signal);
  }

  async zones(signal: AbortSignal): Promise<string[]> {
    const zones = await this.options.provider.catalog.listZones({}, signal);
    return zones.filter((z) => z.available).map((z) => z.name);
  }

  /** The driver's volume of this id; another's (no driver tag) counts as absent. */
  private async find(id: string, signal: AbortSignal): Promise<Volume | undefined> {
    try {
      const volume = await this.options.provider.volumes.get({ id }, signal);
      return Object.entries(this.tags).every(([k, v]) => volume.tags[k] === v) ? volume : undefined;
    } catch (err) {
      if (err instanceof BerthError && err.code === 'BERTH_ERR_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Polls until the volume's status is one of `statuses`; `error` fails at once. */
  private async settle(
    id: string,
    statuses: Volume['status'][],
    signal: AbortSignal,
  ): Promise<Volume> {
    const deadline = Date.now() + (this.options.settleTimeoutMs ?? 60_000);
    for (;;) {
      const volume = await this.options.provider.volumes.get({ id }, signal);
      if (statuses.includes(volume.status)) return volume;
      if (volume.status === 'error') {
        throw new BerthError('BERTH_ERR_PROVIDER', `volume ${id} went into error`);
      }
      if (Date.now() > deadline) {
        throw new BerthError('BERTH_ERR_TIMEOUT', `volume ${id} stayed ${volume.status}`);
      }
      await sleep(100, undefined, { signal });
    }
  }
}

function view(volume: Volume): PortVolume {
  return {
    id: volume.id,
    name: volume.name,
    volumeType: volume.volumeType,
    sizeGb: volume.sizeGb,
    zone: volume.zone,
    attachedTo: volume.attachment?.serverId ?? null,
    device: volume.attachment?.device ?? null,
  };
}
