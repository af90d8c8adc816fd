/**
 * @berth/controllers — the cluster and node-group reconcilers. They depend only on interfaces:
 * `ControllerStore` (the store), `InfraProvider` (any provider) and `ClusterBootstrap` (how
 * Kubernetes gets onto servers). `startControllers` wires them onto controller-kit.
 */
export * from './ports.js';
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
export * from './services/ports.js';
export { ServiceAnnotations, parseAnnotations, desiredLoadBalancer } from './services/desired.js';
export type {
  LoadBalancerOptions,
  DesiredLoadBalancer,
  DesiredListener,
} from './services/desired.js';
export { ServiceLoadBalancerReconciler } from './services/service-reconciler.js';
export { deleteServiceLoadBalancers } from './services/cleanup.js';
