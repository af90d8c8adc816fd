/**
 * @berth/server — the REST API (`buildApp`), its dependencies' interfaces, and the composition
 * root (`startServer`) behind `berth server`.
 */
export { buildApp } from './app.js';
export type { App } from './http.js';
export type {
  AppDeps,
  AppOptions,
  Catalog,
  InfraReader,
  InfraScope,
  KubeconfigSource,
  NodeSource,
} from './deps.js';
export {
  BUILTIN_ADDONS,
  providerCatalog,
  staticCatalog,
  versionsFromManifest,
  type ProviderCatalogSource,
} from './catalog.js';
export { createLogger, REDACTED_PATHS, type LoggerConfig } from './logger.js';
export { mergePatch } from './merge-patch.js';
export type { Principal } from './auth.js';
export {
  startServer,
  type ProviderKind,
  type RunningServer,
  type StartServerOptions,
} from './start-server.js';
export {
  providerInfraReader,
  storeClusterDirectory,
  type ClusterDirectory,
} from './infra-reader.js';
export { parseListen, type ListenAddress } from './listen.js';
export { API_CA_FILE, type ApiTlsOption } from './api-tls.js';
export { StoreControllerAdapter } from './controller-store.js';
