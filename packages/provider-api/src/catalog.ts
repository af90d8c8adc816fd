/** What the cloud offers: flavors, availability zones with their hypervisors, volume types. */
import type { EmptyInput } from './common.js';

export interface Flavor {
  /** e.g. `std-2-4`: 2 vCPU, 4 GiB. */
  name: string;
  vcpus: number;
  ramMiB: number;
  /** Root disk. */
  diskGb: number;
}

export interface Zone {
  /** e.g. `az1`. */
  name: string;
  available: boolean;
}

export interface Hypervisor {
  /** Unique across zones. */
  name: string;
  zone: string;
  state: 'up' | 'down';
}

/**
 * What an attached volume of a type may do, per volume (Cinder's front-end QoS specs
 * `read_iops_sec`, `write_iops_sec`, `read_bytes_sec`, `write_bytes_sec`). The provider enforces
 * them on the device inside the server.
 */
export interface VolumeLimits {
  readIops: number;
  writeIops: number;
  readBytesPerSec: number;
  writeBytesPerSec: number;
}

export interface VolumeType {
  /** e.g. `ssd`, `hdd`, `high-iops`. */
  name: string;
  description: string;
  /** The largest volume of the type, whole GiB (create and extend above it are refused). */
  maxSizeGb: number;
  limits: VolumeLimits;
}

/** A volume type whose reads and writes share one IOPS and one MiB/s figure. */
export function volumeType(
  name: string,
  description: string,
  maxSizeGb: number,
  iops: number,
  mibPerSec: number,
): VolumeType {
  const bytes = mibPerSec * 1024 * 1024;
  return {
    name,
    description,
    maxSizeGb,
    limits: { readIops: iops, writeIops: iops, readBytesPerSec: bytes, writeBytesPerSec: bytes },
  };
}

export interface GetFlavorInput {
  name: string;
}

export interface ListHypervisorsInput {
  zone?: string;
}

export interface CatalogService {
  listFlavors(input: EmptyInput, signal: AbortSignal): Promise<Flavor[]>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` for an unknown flavor. */
  getFlavor(input: GetFlavorInput, signal: AbortSignal): Promise<Flavor>;
  listZones(input: EmptyInput, signal: AbortSignal): Promise<Zone[]>;
  /** Placement picks among the `up` hypervisors of a server's zone. */
  listHypervisors(input: ListHypervisorsInput, signal: AbortSignal): Promise<Hypervisor[]>;
  listVolumeTypes(input: EmptyInput, signal: AbortSignal): Promise<VolumeType[]>;
}
