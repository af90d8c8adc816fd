export {
  MemoryProvider,
  type MemoryFaults,
  type MemoryProviderOptions,
} from './memory-provider.js';
export type { CallRecord, DelayRule, FailRule, FaultHandle } from './call-gate.js';
export { defaultCatalog, hypervisorsPerZone, type MemoryCatalog } from './catalog-config.js';
export type { MemoryQuotas } from './context.js';
export type { ExternalNetworkConfig } from './external-network.js';
export type { MemoryState } from './state.js';
