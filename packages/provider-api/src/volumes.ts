/**
 * Volumes (Cinder's model): a block device of a volume type and size in one zone, attached to at
 * most one server at a time (ReadWriteOnce). Moving a volume is detach from the old server, then
 * attach to the new one. While attached, the device shows inside that server only, at the
 * attachment's `device` path, limited to its type's `limits`.
 *
 * Status: `creating` → `available`; attach → `in-use`; detach → `available`; extend →
 * `available` or `in-use` again. `attaching`, `detaching`, `extending` and `deleting` may show
 * while an asynchronous provider works; `error` when it failed.
 */
import type { VolumeType } from './catalog.js';
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';
import { providerErrors } from './provider-errors.js';

export type VolumeStatus =
  | 'creating'
  | 'available'
  | 'attaching'
  | 'in-use'
  | 'detaching'
  | 'extending'
  | 'deleting'
  | 'error';

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
  /** Whole GiB, ≥ 1, ≤ the type's `maxSizeGb`. */
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
  /**
   * Detach even while the device is in use inside the server (mounted or held open): the
   * server loses the device as a VM loses a pulled disk. For a server that died or is being
   * replaced; never while its workload still writes.
   */
  force?: boolean;
}

export interface ExtendVolumeInput {
  /** The volume. */
  id: string;
  /** The new size, whole GiB: not below the current size, not above the type's `maxSizeGb`. */
  sizeGb: number;
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
  /**
   * Idempotent: detaching a detached volume returns it unchanged. `BERTH_ERR_CONFLICT` while the
   * device is in use inside the server (mounted, held open) unless `force`.
   */
  detach(input: DetachVolumeInput, signal: AbortSignal): Promise<Volume>;
  /**
   * Grows the volume, also while attached (the device inside the server grows; its filesystem
   * is the server's to resize). Idempotent: the current size returns the volume unchanged.
   * `BERTH_ERR_VALIDATION` (field `sizeGb`) when smaller than now or above the type's maximum;
   * `BERTH_ERR_CONFLICT` while another transition runs; `BERTH_ERR_INVALID_STATE` in `error`.
   */
  extend(input: ExtendVolumeInput, signal: AbortSignal): Promise<Volume>;
}

/**
 * The size checks every provider makes on create (`current` absent) and extend.
 * @throws BerthError `BERTH_ERR_VALIDATION` naming `sizeGb`
 */
export function validateVolumeSize(sizeGb: number, type: VolumeType, current?: number): void {
  if (!Number.isInteger(sizeGb) || sizeGb < 1) {
    throw providerErrors.invalid('sizeGb', 'size is a whole number of GiB, at least 1');
  }
  if (current !== undefined && sizeGb < current) {
    throw providerErrors.invalid(
      'sizeGb',
      `a volume only grows: ${sizeGb} GiB is below its ${current} GiB`,
    );
  }
  if (sizeGb > type.maxSizeGb) {
    throw providerErrors.invalid(
      'sizeGb',
      `volume type ${type.name} allows at most ${type.maxSizeGb} GiB, not ${sizeGb}`,
    );
  }
}

/**
 * Whether a volume in `status` may be extended: `available` and `in-use` may; a transition in
 * progress is `BERTH_ERR_CONFLICT` (retry); `error` is `BERTH_ERR_INVALID_STATE`.
 */
export function requireExtendable(volume: Volume): void {
  if (volume.status === 'available' || volume.status === 'in-use') return;
  if (volume.status === 'error') {
    throw providerErrors.invalidState(`volume ${volume.id} is in error; it cannot be extended`);
  }
  throw providerErrors.conflict(`volume ${volume.id} is ${volume.status}; extend it after that`);
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
