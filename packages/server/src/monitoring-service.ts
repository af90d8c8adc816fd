/**
 * PromQL queries against a cluster's own Prometheus (the `monitoring` addon), for dashboards:
 * the caller needs only to be able to read the cluster; Berth queries as the cluster's admin
 * through the ClusterPrometheusApi port. What may go wrong, in order:
 *
 * - no port wired (memory provider: simulated clusters have no Kubernetes API) → 501;
 * - the addon is not in `spec.addons`, or not `Installed` → 409 BERTH_ERR_ADDON_NOT_INSTALLED
 *   naming `monitoring`;
 * - the cluster's API or Prometheus cannot be reached or cannot answer → 503 (retryable);
 * - Prometheus refuses the query → 400 naming `query` (or the parameter it names), with
 *   Prometheus's own words (an answer over MAX_ANSWER_CHARS too); its timeout → 504.
 */
import {
  MONITORING_RESULT_TYPES,
  type Cluster,
  type MonitoringQueryResult,
  type MonitoringResultType,
  type MonitoringSeries,
} from '@berth/api-types';
import { apiVipAddress } from '@berth/controllers';
import type {
  ClusterPrometheusApi,
  PrometheusAnswer,
  PrometheusEndpoint,
} from '@berth/controller-ports';
import { BerthError } from '@berth/errors';

export const MONITORING_ADDON = 'monitoring';

/**
 * Answers above this are refused rather than relayed: a dashboard needs a few hundred series at
 * most, and Berth holds the whole answer in memory while it checks it.
 */
export const MAX_ANSWER_CHARS = 16 * 2 ** 20;

/** @throws BERTH_ERR_ADDON_NOT_INSTALLED unless the monitoring addon is wanted and Installed */
export function requireMonitoring(cluster: Cluster): void {
  const name = cluster.metadata.name;
  const wanted = cluster.spec.addons.some((a) => a.name === MONITORING_ADDON);
  const phase = cluster.status.addons?.find((a) => a.name === MONITORING_ADDON)?.phase;
  if (wanted && phase === 'Installed') return;
  const why = wanted
    ? `is not ready (${phase ?? 'not yet reported'})`
    : `is not installed; install it with \`berth addon install ${name} monitoring\``;
  throw new BerthError(
    'BERTH_ERR_ADDON_NOT_INSTALLED',
    `the monitoring addon of cluster "${name}" ${why}`,
    { details: { addon: MONITORING_ADDON, ...(phase === undefined ? {} : { phase }) } },
  );
}

export class MonitoringService {
  constructor(private readonly prometheus: ClusterPrometheusApi | undefined) {}

  /**
   * Runs one Prometheus API call for `cluster` (already authorized and read by the caller).
   * @throws see the module comment
   */
  async query(
    cluster: Cluster,
    endpoint: PrometheusEndpoint,
    params: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<MonitoringQueryResult> {
    if (!this.prometheus) {
      throw new BerthError(
        'BERTH_ERR_NOT_IMPLEMENTED',
        "monitoring queries are not available: this server's clusters are simulated (no Prometheus to ask)",
      );
    }
    requireMonitoring(cluster);
    const answer = await this.prometheus.query({
      cluster,
      vipAddress: apiVipAddress(cluster.spec.network.subnetCidr),
      endpoint,
      params,
      signal,
    });
    return interpretAnswer(answer);
  }
}

interface PrometheusBody {
  status?: string;
  data?: { resultType?: string; result?: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** A Kubernetes `Status` (the API server's own answer when it could not proxy). */
interface KubeStatusBody {
  kind?: string;
  message?: string;
}

/**
 * Prometheus's answer as the API's: the result on success, else the BerthError it means
 * (pure; see the module comment for the mapping).
 */
export function interpretAnswer(answer: PrometheusAnswer): MonitoringQueryResult {
  if ('unreachable' in answer) {
    throw unavailable(`no answer through the cluster's API: ${answer.unreachable}`);
  }
  if (answer.body.length > MAX_ANSWER_CHARS) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `Prometheus's answer is larger than ${MAX_ANSWER_CHARS / 2 ** 20} MiB; narrow the query (fewer series) or the range (a larger step)`,
      { field: 'query' },
    );
  }
  const body = parseJson(answer.body) as (PrometheusBody & KubeStatusBody) | undefined;
  if (body?.status === 'success' && answer.status === 200) return resultOf(body);
  if (body?.status === 'error' && typeof body.error === 'string') {
    throw prometheusError(answer.status, body.errorType ?? '', body.error);
  }
  const said = body?.kind === 'Status' ? body.message : answer.body.slice(0, 300);
  throw unavailable(
    answer.status === 404
      ? `Prometheus is not in the cluster (service berth-monitoring/prometheus not found: ${said ?? ''})`
      : `Prometheus did not answer (HTTP ${answer.status}: ${said ?? ''})`,
  );
}

function prometheusError(status: number, errorType: string, error: string): BerthError {
  if (errorType === 'timeout') {
    return new BerthError('BERTH_ERR_TIMEOUT', `Prometheus: ${error}`, {
      details: { errorType },
    });
  }
  // bad_data (400): the query or a parameter; execution (422): the query cannot be evaluated.
  if (errorType === 'bad_data' || errorType === 'execution' || status === 400 || status === 422) {
    const named = /invalid parameter "(\w+)"/.exec(error)?.[1];
    return new BerthError('BERTH_ERR_VALIDATION', `Prometheus: ${error}`, {
      field: named ?? 'query',
      details: { errorType },
    });
  }
  return unavailable(`Prometheus failed (HTTP ${status}, ${errorType}): ${error}`);
}

function unavailable(message: string): BerthError {
  return new BerthError('BERTH_ERR_UNAVAILABLE', message, { details: { addon: MONITORING_ADDON } });
}

function resultOf(body: PrometheusBody): MonitoringQueryResult {
  const type = body.data?.resultType;
  if (!MONITORING_RESULT_TYPES.includes(type as MonitoringResultType)) {
    throw unavailable(`Prometheus answered an unknown result type "${String(type)}"`);
  }
  const resultType = type as MonitoringResultType;
  const raw = body.data?.result;
  const result: MonitoringSeries[] =
    resultType === 'scalar' || resultType === 'string'
      ? [{ metric: {}, value: raw as [number, string] }]
      : ((raw as MonitoringSeries[] | undefined) ?? []);
  return {
    resultType,
    result,
    ...(body.warnings?.length ? { warnings: body.warnings } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
