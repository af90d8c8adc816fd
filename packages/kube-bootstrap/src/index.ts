export * from './pki.js';
export * from './kubeconfig.js';
export * from './component-flags.js';
export * from './controller-flags.js';
export * from './kwok-config.js';
export * from './layout.js';
export * from './cluster-certs.js';
export * from './secret-store.js';
export * from './secret-key.js';
export * from './node-spec.js';
export * from './master-user-data.js';
export * from './worker-user-data.js';
export * from './kube-client.js';
export * from './control-plane-health.js';
export * from './node-readiness.js';
export * from './drain.js';
export * from './rbac.js';
export * from './restricted-labels.js';
export * from './node-agent-paths.js';
export {
  KubeBootstrap,
  type KubeBootstrapDeps,
  type ClusterStorageSetup,
  type BootstrapLogger,
  type UserIssuer,
} from './kube-bootstrap.js';
export {
  renderAuthenticationConfig,
  type AuthenticationConfigInput,
} from './authentication-config.js';
export {
  createKubeBootstrap,
  createKubeBootstrapParts,
  type CreateKubeBootstrapOptions,
  type KubeBootstrapParts,
} from './create-kube-bootstrap.js';
export { KubeServicesClient, EVENT_SOURCE } from './services/kube-services-client.js';
export { KubeClusterServices, type ClusterConnector } from './services/kube-cluster-services.js';
export { KubeClusterAddons } from './addons/kube-cluster-addons.js';
export { KubeAddonsClient } from './addons/kube-addons-client.js';
export {
  KubeClusterPrometheus,
  queryThrough,
  prometheusProxyPath,
  PROMETHEUS_TIMEOUT_MS,
} from './monitoring/kube-cluster-prometheus.js';
export { certificateInventory, type CertificateInfo } from './certificate-inventory.js';
