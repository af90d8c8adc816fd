/** The memory provider's configurable cloud: flavors, zones, hypervisors, volume types. */
import {
  volumeType,
  type Flavor,
  type Hypervisor,
  type VolumeType,
  type Zone,
} from '@berth/provider-api';

export interface MemoryCatalog {
  flavors: Flavor[];
  zones: Zone[];
  hypervisors: Hypervisor[];
  volumeTypes: VolumeType[];
}

/** `count` up hypervisors per zone, named `<zone>-hv<n>`. */
export function hypervisorsPerZone(zones: readonly string[], count: number): Hypervisor[] {
  return zones.flatMap((zone) =>
    Array.from({ length: count }, (_, i) => ({
      name: `${zone}-hv${i + 1}`,
      zone,
      state: 'up' as const,
    })),
  );
}

const ZONES = ['az1', 'az2', 'az3'];

/** std-2-4 = 2 vCPU 4 GiB, std-4-8, std-8-16; az1–az3 with 3 hypervisors each; ssd/hdd/high-iops. */
export function defaultCatalog(): MemoryCatalog {
  return {
    flavors: [
      { name: 'std-2-4', vcpus: 2, ramMiB: 4096, diskGb: 20 },
      { name: 'std-4-8', vcpus: 4, ramMiB: 8192, diskGb: 40 },
      { name: 'std-8-16', vcpus: 8, ramMiB: 16384, diskGb: 80 },
    ],
    zones: ZONES.map((name) => ({ name, available: true })),
    hypervisors: hypervisorsPerZone(ZONES, 3),
    volumeTypes: [
      volumeType('ssd', 'Network SSD', 4096, 1000, 128),
      volumeType('hdd', 'Network HDD', 8192, 200, 64),
      volumeType('high-iops', 'Local NVMe with guaranteed IOPS', 1024, 4000, 256),
    ],
  };
}
