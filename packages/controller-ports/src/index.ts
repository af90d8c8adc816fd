/**
 * @berth/controller-ports — the interfaces between the controllers and the adapters that serve
 * them, in a package below both (as `provider-api` is for providers): the composition root
 * adapts the store to `ControllerStore`, `kube-bootstrap` implements `ClusterBootstrap` and
 * `ClusterServicesApi`, and neither imports the controllers.
 */
export * from './cluster-ports.js';
export * from './services-ports.js';
export * from './sources.js';
export * from './registry-ports.js';
export * from './autoscaler-ports.js';
export * from './storage-ports.js';
export * from './addons-ports.js';
export * from './monitoring-ports.js';
