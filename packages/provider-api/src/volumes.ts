/**
 * Volumes (Cinder's model): a block device of a volume type and size in one zone, attached to at
 * most one server at a time. Moving a volume is detach from the old server, then attach to the
 * new one.
 *
 * Status: `creating` → `available`; attach → `in-use`; detach → `available`. `attaching`,
 * `detaching` and `deleting` may show while an asynchronous provider works; `error` when it failed.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';
import { providerErrors } from './provider-errors.js';

export type VolumeStatus =
  'creating' | 'available' | 'attaching' | 'in-use' | 'detaching' | 'deleting' | 'error';

export interface VolumeAttachment {
  serverId: string;
  /** e.g. `/dev/vdb`; the lowest free device of the server. */
  device: string;
  /** RFC 3339. */
  attachedAt: string;
}

export interface Volume extends ProviderObject {
  /** A name from `catalog.listVolumeTypes`, e.g. `ssd`, `hdd`, `high-iops`. */
  volumeType: string;
  sizeGb: number;
  zone: string;
  status: VolumeStatus;
  attachment: VolumeAttachment | null;
}

export interface CreateVolumeInput extends CreateInput {
  volumeType: string;
  /** Whole GiB, ≥ 1. */
  sizeGb: number;
  zone: string;
}

export interface ListVolumesInput extends ListInput {
  /** Only volumes attached to this server. */
  serverId?: string;
}

export interface AttachVolumeInput {
  /** The volume. */
  id: string;
  serverId: string;
}

export interface DetachVolumeInput {
  /** The volume. */
  id: string;
  /**
   * Detach only from this server: a volume attached elsewhere (already moved on) is left alone.
   * Absent: detach from whatever server holds it.
   */
  serverId?: string;
}

export interface VolumeService {
  /** `BERTH_ERR_PROVIDER_QUOTA` when a volume quota is reached. */
  create(input: CreateVolumeInput, signal: AbortSignal): Promise<Volume>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<Volume>;
  find(input: FindInput, signal: AbortSignal): Promise<Volume | undefined>;
  list(input: ListVolumesInput, signal: AbortSignal): Promise<Volume[]>;
  /** `BERTH_ERR_CONFLICT` while attached. */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;
  /**
   * Idempotent for the same server (same device). `BERTH_ERR_CONFLICT` while attached to another
   * server; `BERTH_ERR_VALIDATION` when the server is in another zone; `BERTH_ERR_NOT_FOUND`
   * when the volume or server does not exist.
   */
  attach(input: AttachVolumeInput, signal: AbortSignal): Promise<Volume>;
  /** Idempotent: detaching a detached volume returns it unchanged. */
  detach(input: DetachVolumeInput, signal: AbortSignal): Promise<Volume>;
}

/**
 * The checks on a server's boot-time volumes (`CreateServerInput.volumeIds`), shared by every
 * provider: each exists (`find` returns it), is not attached, failed or being deleted, is in
 * the server's zone, and appears once (one still `creating` is attached once it is available). @throws BerthError `BERTH_ERR_PROVIDER_INVALID` naming `volumeIds[i]`
 */
export function validateBootVolumes(
  ids: readonly string[],
  zone: string,
  find: (id: string) => Volume | undefined,
): Volume[] {
  return ids.map((id, i) => {
    const field = `volumeIds[${i}]`;
    if (i >= 25) throw providerErrors.invalid(field, 'a server takes at most 25 volumes');
    const volume = find(id);
    if (volume === undefined) throw providerErrors.invalid(field, `no volume ${id}`);
    if (ids.indexOf(id) !== i) throw providerErrors.invalid(field, `volume ${id} is listed twice`);
    if (volume.attachment !== null) {
      throw providerErrors.invalid(
        field,
        `volume ${volume.name} is attached to ${volume.attachment.serverId}`,
      );
    }
    if (volume.status === 'error' || volume.status === 'deleting') {
      throw providerErrors.invalid(field, `volume ${volume.name} is ${volume.status}`);
    }
    if (volume.zone !== zone) {
      throw providerErrors.invalid(
        field,
        `volume ${volume.name} is in ${volume.zone}, not ${zone}`,
      );
    }
    return volume;
  });
}

/** The device of a server's i-th boot-time volume (vda is its image's root disk). */
export function bootVolumeDevice(i: number): string {
  return `/dev/vd${'bcdefghijklmnopqrstuvwxyz'.charAt(i)}`;
}
