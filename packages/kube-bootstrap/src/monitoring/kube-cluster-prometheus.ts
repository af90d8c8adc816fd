/**
 * `ClusterPrometheusApi` for clusters Berth bootstrapped: connects as the cluster's admin (the
 * same ClusterApi the addon controller uses) and GETs Prometheus's HTTP API through the
 * kube-apiserver's service proxy
 * (`/api/v1/namespaces/berth-monitoring/services/prometheus:web/proxy/api/v1/query`), so
 * Prometheus needs no address of its own outside the cluster.
 */
import {
  PROMETHEUS_SERVICE,
  type ClusterPrometheusApi,
  type PrometheusAnswer,
  type PrometheusEndpoint,
  type PrometheusQueryInput,
} from '@berth/controller-ports';
import { BerthError } from '@berth/errors';
import type { ClusterConnector } from '../services/kube-cluster-services.js';
import type { KubeClient } from '../kube-client.js';

/**
 * A dashboard waits this long at most. Prometheus's own query timeout is 2 min; a console
 * refreshing every 30 s gains nothing from waiting longer than a refresh.
 */
export const PROMETHEUS_TIMEOUT_MS = 20_000;

/** The service-proxy path of a Prometheus API call (pure; the parameters URL-encoded). */
export function prometheusProxyPath(
  endpoint: PrometheusEndpoint,
  params: Readonly<Record<string, string>>,
): string {
  const { namespace, name, port } = PROMETHEUS_SERVICE;
  const query = new URLSearchParams(params).toString();
  return `/api/v1/namespaces/${namespace}/services/${name}:${port}/proxy/api/v1/${endpoint}?${query}`;
}

export class KubeClusterPrometheus implements ClusterPrometheusApi {
  constructor(
    private readonly connector: ClusterConnector,
    private readonly timeoutMs = PROMETHEUS_TIMEOUT_MS,
  ) {}

  async query(input: PrometheusQueryInput): Promise<PrometheusAnswer> {
    const found = await this.connector.connect(input.cluster, input.vipAddress, input.signal);
    if ('unreachable' in found) return { unreachable: found.unreachable };
    return queryThrough(found.api, input, this.timeoutMs);
  }
}

/** One proxied GET with `client`; a transport failure or timeout becomes `unreachable`. */
export async function queryThrough(
  client: KubeClient,
  input: Pick<PrometheusQueryInput, 'endpoint' | 'params' | 'signal'>,
  timeoutMs = PROMETHEUS_TIMEOUT_MS,
): Promise<PrometheusAnswer> {
  try {
    const { status, text } = await client.raw(prometheusProxyPath(input.endpoint, input.params), {
      signal: input.signal,
      timeoutMs,
    });
    return { status, body: text };
  } catch (err) {
    input.signal.throwIfAborted();
    const message = err instanceof BerthError ? err.message : String(err);
    return {
      unreachable: message.includes('(timed out)')
        ? `no answer within ${timeoutMs / 1000} s (${message})`
        : message,
    };
  }
}
