export { BerthClient, type BerthClientOptions } from './client.js';
export { ApiError, CLIENT_ERROR_CODES, isAbortError, isApiError } from './api-error.js';
export type { ApiErrorFields } from './api-error.js';
export { toAccepted, toPatched, type Accepted, type Patched } from './accepted.js';
export {
  parseChange,
  watchClusters,
  type ClusterChange,
  type WatchClustersOptions,
} from './cluster-watch.js';
export { END_EVENT, streamClusterEvents, type StreamEventsOptions } from './event-stream.js';
export { collectAll, eachItem, type Page, type PageQuery } from './pages.js';
export { OperationEvents, belongsTo, type EventSource } from './operation-events.js';
export { paths } from './paths.js';
export { SseParser, type SseMessage } from './sse.js';
export {
  DEFAULT_RETRY,
  Transport,
  type Call,
  type Fetch,
  type Method,
  type Query,
  type RetryPolicy,
  type TransportOptions,
} from './transport.js';
export {
  OperationFailedError,
  TargetFailedError,
  WaitTimeoutError,
  waitForOperation,
  type OperationSource,
  type WaitOptions,
} from './wait.js';
export type { ClusterPatch, ClustersApi, ExecCredential } from './resources/clusters.js';
export type {
  AddonsApi,
  ClusterAddonView,
  EventQueryOptions,
  EventsApi,
  MonitoringApi,
  NodeGroupPatch,
  NodeGroupsApi,
  NodesApi,
} from './resources/cluster-parts.js';
export type {
  CatalogApi,
  InfraApi,
  InfraCallOptions,
  OperationsApi,
  RegistryApi,
} from './resources/platform.js';
export type { CallOptions, ListOptions, ProjectsApi, TokensApi } from './resources/projects.js';
