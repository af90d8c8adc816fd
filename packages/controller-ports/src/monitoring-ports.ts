/**
 * How the API reaches a cluster's Prometheus (the `monitoring` addon): through the cluster's
 * kube-apiserver service proxy, as the cluster's admin. The real implementation is in
 * `@berth/kube-bootstrap` (monitoring/); the server's tests use a fake at this boundary.
 */
import type { Cluster } from '@berth/api-types';

/** Where the monitoring addon's Prometheus serves, as the addon installs it. */
export const PROMETHEUS_SERVICE = {
  namespace: 'berth-monitoring',
  name: 'prometheus',
  port: 'web',
} as const;

export type PrometheusEndpoint = 'query' | 'query_range';

export interface PrometheusQueryInput {
  cluster: Cluster;
  /** The API's address inside the cluster network (tried only where Berth routes there). */
  vipAddress: string;
  endpoint: PrometheusEndpoint;
  /** Prometheus's own parameters (`query`, `time`, `start`, `end`, `step`). */
  params: Readonly<Record<string, string>>;
  /** The caller's (the request's); the implementation adds its own bound. */
  signal: AbortSignal;
}

/**
 * What came back: the HTTP status and body of the proxied call (Prometheus's, or the API
 * server's own when it could not proxy, e.g. 503 "no endpoints available"), or why the
 * cluster's API could not be reached at all.
 */
export type PrometheusAnswer = { status: number; body: string } | { unreachable: string };

export interface ClusterPrometheusApi {
  /** Never throws for an unreachable cluster or a Prometheus error: the answer says so. */
  query(input: PrometheusQueryInput): Promise<PrometheusAnswer>;
}
