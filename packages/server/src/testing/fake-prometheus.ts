/**
 * A fake `ClusterPrometheusApi` for tests: answers each call with what `respond` returns
 * (default: a one-series vector or matrix derived from the query) and records the calls.
 */
import type {
  ClusterPrometheusApi,
  PrometheusAnswer,
  PrometheusQueryInput,
} from '@berth/controller-ports';

export interface FakePrometheusCall {
  cluster: string;
  endpoint: PrometheusQueryInput['endpoint'];
  params: Record<string, string>;
}

export class FakePrometheus implements ClusterPrometheusApi {
  readonly calls: FakePrometheusCall[] = [];

  constructor(public respond: (call: FakePrometheusCall) => PrometheusAnswer = defaultAnswer) {}

  async query(input: PrometheusQueryInput): Promise<PrometheusAnswer> {
    const call = {
      cluster: input.cluster.metadata.name,
      endpoint: input.endpoint,
      params: { ...input.params },
    };
    this.calls.push(call);
    return this.respond(call);
  }
}

/** Prometheus's JSON envelope around `data`, as a 200. */
export function prometheusSuccess(data: unknown): PrometheusAnswer {
  return { status: 200, body: JSON.stringify({ status: 'success', data }) };
}

/** Prometheus's JSON error envelope (e.g. 400 bad_data). */
export function prometheusError(
  status: number,
  errorType: string,
  error: string,
): PrometheusAnswer {
  return { status, body: JSON.stringify({ status: 'error', errorType, error }) };
}

/** A vector with one series `{job="fake"}` = 1 at `time`, or a matrix of 1s over the range. */
export function defaultAnswer(call: FakePrometheusCall): PrometheusAnswer {
  const metric = { job: 'fake' };
  if (call.endpoint === 'query') {
    const time = Number(call.params.time ?? 1_700_000_000);
    return prometheusSuccess({ resultType: 'vector', result: [{ metric, value: [time, '1'] }] });
  }
  const start = Number(call.params.start);
  const end = Number(call.params.end);
  const step = Number.parseFloat(call.params.step ?? '60');
  const values: [number, string][] = [];
  for (let t = start; t <= end && values.length < 11_000; t += step) values.push([t, '1']);
  return prometheusSuccess({ resultType: 'matrix', result: [{ metric, values }] });
}
