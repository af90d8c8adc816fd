/**
 * @berth/provider-local: the local cloud on one Linux host. The provider itself, the pieces it is
 * built from (for tools such as a doctor command and the leak checker), and the agent protocol.
 */
export { LocalProvider, type LocalProviderOptions } from './provider/local-provider.js';
export type { AmphoraRepair, HealthManagerOptions } from './provider/lb/health-manager.js';
export { DEFAULT_CATALOG, type CatalogConfig } from './provider/catalog.js';
export {
  topologyConfig,
  DEFAULT_EXTERNAL_CIDR,
  DEFAULT_PREFIX,
  type TopologyConfig,
} from './topology/config.js';
export {
  Topology,
  type RouterTopology,
  type ServerPort,
  type RouterLeg,
} from './topology/topology.js';
export { checkLeaks, isClean, type LeakReport, type LeakCheckOptions } from './leak-check.js';
export type { LocalInventory, InventoryRecord } from './inventory/inventory.js';
export { updateRecord } from './inventory/inventory.js';
export { JsonFileInventory } from './inventory/json-file-inventory.js';
export { Ipam, allocate, type SubnetAllocations } from './inventory/ipam.js';
export {
  AgentController,
  type AgentControllerOptions,
  type AgentLaunch,
} from './agent/agent-control.js';
export { serverLayout, type ServerLayout } from './agent/layout.js';
/** Fault injection for tests: every process of a server's machine, as a host crash kills them. */
export { killCgroup, serverCgroupPath } from './machine/cgroups.js';
export { namespaceNames, SERVER_IFACE } from './names.js';
export type {
  AgentConfig,
  ServiceSpec,
  FileSpec,
  UserData as AgentUserData,
} from './agent/user-data.js';
export type { AgentStatus } from './agent/status.js';
export { DetachedLauncher, FakeLauncher, type ProcessLauncher } from './agent/launcher.js';
export { renderHaproxyConfig, type HaproxySpec } from './render/haproxy-cfg.js';
export {
  renderKeepalivedConfig,
  renderCheckScript,
  renderNotifyScript,
} from './render/keepalived-conf.js';
export { renderRouterNat, type RouterNatSpec } from './render/router-nft.js';
export {
  renderServerFirewall,
  type FirewallRule,
  type ServerFirewallSpec,
} from './render/security-group-nft.js';
export { renderGuardTable } from './render/guard-nft.js';
export {
  readHaproxyServers,
  parseServerStats,
  type HaproxyServerStat,
} from './lb/haproxy-stats.js';
