/**
 * @berth/controllers — the cluster, node-group and Service load-balancer reconcilers. They
 * depend only on interfaces: `InfraProvider` (any provider) and the ports of
 * `@berth/controller-ports` (`ControllerStore`, `ClusterBootstrap`, `ClusterServicesApi`).
 * `startControllers` builds them on controller-kit from the implementations it is given.
 */
export * from './conditions.js';
export * from './naming.js';
export * from './operations.js';
export * from './simulated-bootstrap.js';
export * from './wiring.js';
export { ClusterReconciler } from './cluster/cluster-reconciler.js';
export { DEFAULT_MASTER_REPAIR, type MasterRepairPolicy } from './cluster/master-repair.js';
export { DEFAULT_NODE_REPAIR } from './nodegroup/node-repair.js';
export type { RepairPolicy } from './downtime.js';
export { NodeGroupReconciler } from './nodegroup/nodegroup-reconciler.js';
export { apiVipAddress, masterAddress } from './cluster/addresses.js';
export { desiredRules } from './cluster/security-groups.js';
export { listClusterNodes } from './nodes-view.js';
export { ServiceAnnotations, parseAnnotations, desiredLoadBalancer } from './services/desired.js';
export type {
  LoadBalancerOptions,
  DesiredLoadBalancer,
  DesiredListener,
} from './services/desired.js';
export { ServiceLoadBalancerReconciler } from './services/service-reconciler.js';
export { deleteServiceLoadBalancers } from './services/cleanup.js';
export {
  StorageReconciler,
  DEFAULT_STORAGE_POLICY,
  type StoragePolicy,
} from './storage/storage-reconciler.js';
export {
  AddonReconciler,
  DEFAULT_ADDON_POLICY,
  type AddonPolicy,
} from './addons/addon-reconciler.js';
