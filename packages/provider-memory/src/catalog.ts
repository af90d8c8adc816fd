import {
  providerErrors,
  type CatalogService,
  type EmptyInput,
  type Flavor,
  type GetFlavorInput,
  type Hypervisor,
  type ListHypervisorsInput,
  type VolumeType,
  type Zone,
} from '@berth/provider-api';
import { snapshot, type MemoryContext } from './context.js';

export class MemoryCatalogService implements CatalogService {
  constructor(private readonly ctx: MemoryContext) {}

  listFlavors(input: EmptyInput, signal: AbortSignal): Promise<Flavor[]> {
    return this.ctx.run('catalog.listFlavors', input, signal, () =>
      snapshot(this.ctx.catalog.flavors),
    );
  }

  getFlavor(input: GetFlavorInput, signal: AbortSignal): Promise<Flavor> {
    return this.ctx.run('catalog.getFlavor', input, signal, () => {
      const flavor = this.ctx.catalog.flavors.find((f) => f.name === input.name);
      if (!flavor) throw providerErrors.notFound('Flavor', input.name);
      return snapshot(flavor);
    });
  }

  listZones(input: EmptyInput, signal: AbortSignal): Promise<Zone[]> {
    return this.ctx.run('catalog.listZones', input, signal, () => snapshot(this.ctx.catalog.zones));
  }

  listHypervisors(input: ListHypervisorsInput, signal: AbortSignal): Promise<Hypervisor[]> {
    return this.ctx.run('catalog.listHypervisors', input, signal, () =>
      snapshot(
        this.ctx.catalog.hypervisors.filter(
          (h) => input.zone === undefined || h.zone === input.zone,
        ),
      ),
    );
  }

  listVolumeTypes(input: EmptyInput, signal: AbortSignal): Promise<VolumeType[]> {
    return this.ctx.run('catalog.listVolumeTypes', input, signal, () =>
      snapshot(this.ctx.catalog.volumeTypes),
    );
  }
}
