/**
 * What the driver offers: a volume attaches to one node at a time (Cinder's single attachment),
 * as an ext4 filesystem or a raw block device. Also the topology key and size arithmetic.
 */
import { csiErrors } from './csi-errors.js';
import type { AccessMode, VolumeCapability } from './messages.js';

/** The topology segment a node reports and a volume is accessible from. */
export const ZONE_KEY = 'topology.berth.dev/zone';
export const FS_TYPES = ['ext4'] as const;
export const DEFAULT_FS_TYPE = 'ext4';
export const GIB = 1024 ** 3;

/**
 * SINGLE_NODE_SINGLE_WRITER and SINGLE_NODE_MULTI_WRITER would need the SINGLE_NODE_MULTI_WRITER
 * capability, which the driver does not advertise (yet), so they count as unsupported.
 */
const SINGLE_NODE: readonly AccessMode[] = ['SINGLE_NODE_WRITER', 'SINGLE_NODE_READER_ONLY'];

/** Throws `BERTH_ERR_VALIDATION` for a capability without access mode or access type. */
export function requireWellFormed(cap: VolumeCapability | null | undefined, field: string): void {
  if (cap === null || cap === undefined) throw csiErrors.invalid(field, `${field} is required`);
  if (!cap.access_mode || cap.access_mode.mode === 'UNKNOWN') {
    throw csiErrors.invalid(field, `${field}: access_mode is required`);
  }
  if (!cap.mount && !cap.block) {
    throw csiErrors.invalid(field, `${field}: access_type (mount or block) is required`);
  }
}

/** Why the driver cannot offer `cap`, or undefined when it can. */
export function unsupportedReason(cap: VolumeCapability): string | undefined {
  const mode = cap.access_mode?.mode ?? 'UNKNOWN';
  if (!SINGLE_NODE.includes(mode)) {
    return `access mode ${mode}: a Berth volume attaches to one node at a time`;
  }
  const fsType = cap.mount?.fs_type ?? '';
  if (cap.mount && fsType !== '' && !(FS_TYPES as readonly string[]).includes(fsType)) {
    return `filesystem ${fsType}: only ${FS_TYPES.join(', ')}`;
  }
  return undefined;
}

/** Throws `BERTH_ERR_VALIDATION` unless every capability is well-formed and offered. */
export function requireSupported(caps: readonly VolumeCapability[], field: string): void {
  if (caps.length === 0) throw csiErrors.invalid(field, `${field} is required`);
  caps.forEach((cap, i) => {
    requireWellFormed(cap, `${field}[${i}]`);
    const reason = unsupportedReason(cap);
    if (reason !== undefined) throw csiErrors.invalid(`${field}[${i}]`, reason);
  });
}

/**
 * Whole GiB for a CSI capacity range: the smallest size ≥ `required_bytes` (1 GiB when unset)
 * within `limit_bytes` (when set). @throws `BERTH_ERR_OUT_OF_RANGE`
 */
export function sizeGbFor(range: { required_bytes: string; limit_bytes: string } | null): number {
  const required = Number(range?.required_bytes ?? '0');
  const limit = Number(range?.limit_bytes ?? '0');
  if (required < 0 || limit < 0) throw csiErrors.outOfRange('capacity bytes must not be negative');
  if (limit > 0 && required > limit) {
    throw csiErrors.outOfRange(`required_bytes ${required} exceeds limit_bytes ${limit}`);
  }
  const sizeGb = Math.max(1, Math.ceil(required / GIB));
  if (limit > 0 && sizeGb * GIB > limit) {
    throw csiErrors.outOfRange(`volumes come in whole GiB; none fits within ${limit} bytes`);
  }
  return sizeGb;
}
