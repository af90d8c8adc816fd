/**
 * The local cloud's catalog: flavors, zones with simulated hypervisors, volume types. A
 * hypervisor here is only a placement label; anti-affinity over hypervisors is what makes a
 * cluster's masters "spread" on one host.
 */
import {
  providerErrors,
  volumeType,
  type CatalogService,
  type EmptyInput,
  type Flavor,
  type GetFlavorInput,
  type Hypervisor,
  type ListHypervisorsInput,
  type VolumeType,
  type Zone,
} from '@berth/provider-api';

export interface CatalogConfig {
  flavors: Flavor[];
  zones: Array<{ name: string; hypervisors: number }>;
  volumeTypes: VolumeType[];
}

export const DEFAULT_CATALOG: CatalogConfig = {
  flavors: [
    { name: 'std-1-1', vcpus: 1, ramMiB: 1024, diskGb: 10 },
    { name: 'std-2-4', vcpus: 2, ramMiB: 4096, diskGb: 20 },
    { name: 'std-4-8', vcpus: 4, ramMiB: 8192, diskGb: 40 },
    { name: 'std-8-16', vcpus: 8, ramMiB: 16384, diskGb: 80 },
  ],
  zones: [
    { name: 'az1', hypervisors: 3 },
    { name: 'az2', hypervisors: 3 },
    { name: 'az3', hypervisors: 3 },
  ],
  volumeTypes: [
    volumeType('ssd', 'Sparse file on the host, throttled as an SSD', 4096, 1000, 128),
    volumeType('hdd', 'Sparse file on the host, throttled as an HDD', 8192, 200, 64),
    volumeType('high-iops', 'Sparse file on the host, throttled as high-IOPS', 1024, 4000, 256),
  ],
};

export function hypervisorsOf(config: CatalogConfig): Hypervisor[] {
  return config.zones.flatMap((z) =>
    Array.from({ length: z.hypervisors }, (_, i) => ({
      name: `${z.name}-hv${i + 1}`,
      zone: z.name,
      state: 'up' as const,
    })),
  );
}

export class LocalCatalog implements CatalogService {
  constructor(readonly config: CatalogConfig) {}

  async listFlavors(_input: EmptyInput, signal: AbortSignal): Promise<Flavor[]> {
    signal.throwIfAborted();
    return structuredClone(this.config.flavors);
  }

  async getFlavor(input: GetFlavorInput, signal: AbortSignal): Promise<Flavor> {
    signal.throwIfAborted();
    const flavor = this.config.flavors.find((f) => f.name === input.name);
    if (flavor === undefined) throw providerErrors.notFound('Flavor', input.name);
    return structuredClone(flavor);
  }

  async listZones(_input: EmptyInput, signal: AbortSignal): Promise<Zone[]> {
    signal.throwIfAborted();
    return this.config.zones.map((z) => ({ name: z.name, available: true }));
  }

  async listHypervisors(input: ListHypervisorsInput, signal: AbortSignal): Promise<Hypervisor[]> {
    signal.throwIfAborted();
    return hypervisorsOf(this.config).filter(
      (h) => input.zone === undefined || h.zone === input.zone,
    );
  }

  async listVolumeTypes(_input: EmptyInput, signal: AbortSignal): Promise<VolumeType[]> {
    signal.throwIfAborted();
    return structuredClone(this.config.volumeTypes);
  }

  /** @throws BerthError `BERTH_ERR_VALIDATION` naming `field`. */
  requireFlavor(name: string, field = 'flavor'): Flavor {
    const flavor = this.config.flavors.find((f) => f.name === name);
    if (flavor === undefined) throw providerErrors.invalid(field, `unknown flavor "${name}"`);
    return flavor;
  }

  requireZone(name: string, field = 'zone'): void {
    if (!this.config.zones.some((z) => z.name === name)) {
      throw providerErrors.invalid(field, `unknown zone "${name}"`);
    }
  }

  requireVolumeType(name: string): VolumeType {
    const type = this.config.volumeTypes.find((t) => t.name === name);
    if (type === undefined) {
      throw providerErrors.invalid('volumeType', `unknown volume type "${name}"`);
    }
    return type;
  }
}
