/**
 * @berth/autoscaler: Berth as cluster-autoscaler's externalgrpc cloud provider, and the fleet
 * of per-cluster autoscaler processes. The backend (what the service asks of the store and the
 * provider) is the composition root's; see docs/autoscaling.md.
 */
export * from './backend.js';
export * from './service.js';
export * from './grpc-server.js';
export * from './process-config.js';
export * from './fleet.js';
export * from './status-report.js';
