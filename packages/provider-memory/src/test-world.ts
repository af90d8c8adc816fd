/** Builders the memory provider's own tests share (not part of the package API). */
import { MemoryProvider, type MemoryProviderOptions } from './memory-provider.js';
import type { Server, Subnet } from '@berth/provider-api';

export const signal: AbortSignal = new AbortController().signal;
export const tags = { 'berth.dev/cluster': 'c-1' };

export interface World {
  provider: MemoryProvider;
  subnet: Subnet;
  server(name: string, extra?: { serverGroupId?: string }): Promise<Server>;
}

export async function world(options: MemoryProviderOptions = {}): Promise<World> {
  const provider = new MemoryProvider(options);
  const network = await provider.networks.create({ name: 'net', tags }, signal);
  const subnet = await provider.networks.createSubnet(
    { name: 'subnet', tags, networkId: network.id, cidr: '10.0.0.0/24' },
    signal,
  );
  const server = (name: string, extra: { serverGroupId?: string } = {}) =>
    provider.servers.create(
      { name, tags, flavor: 'std-2-4', zone: 'az1', ports: [{ networkId: network.id }], ...extra },
      signal,
    );
  return { provider, subnet, server };
}
