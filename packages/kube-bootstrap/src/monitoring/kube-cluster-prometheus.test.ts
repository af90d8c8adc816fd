import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { KubeClient } from '../kube-client.js';
import { KubeClusterPrometheus, prometheusProxyPath } from './kube-cluster-prometheus.js';

const input = (signal = new AbortController().signal) => ({
  cluster: {} as Cluster,
  vipAddress: '10.0.0.5',
  endpoint: 'query_range' as const,
  params: { query: 'sum(rate(x[5m])) by (a)', start: '1', end: '61', step: '30s' },
  signal,
});

/** A KubeClient whose `raw` does what `fn` says, recording the path and timeout. */
function fakeClient(fn: (path: string) => Promise<{ status: number; text: string }>) {
  const calls: { path: string; timeoutMs?: number | undefined }[] = [];
  const client = {
    raw: (path: string, o: { timeoutMs?: number }) => {
      calls.push({ path, timeoutMs: o.timeoutMs });
      return fn(path);
    },
  } as unknown as KubeClient;
  return { client, calls };
}

test('prometheusProxyPath: the service proxy of berth-monitoring/prometheus:web, parameters encoded', () => {
  assert.equal(
    prometheusProxyPath('query', { query: 'up{job="a b"}', time: '5' }),
    '/api/v1/namespaces/berth-monitoring/services/prometheus:web/proxy/api/v1/query?query=up%7Bjob%3D%22a+b%22%7D&time=5',
  );
});

test('query: one bounded GET through the connected client; status and body as they came', async () => {
  const { client, calls } = fakeClient(async () => ({ status: 422, text: '{"status":"error"}' }));
  const prometheus = new KubeClusterPrometheus({ connect: async () => ({ api: client }) }, 7_000);
  assert.deepEqual(await prometheus.query(input()), { status: 422, body: '{"status":"error"}' });
  assert.equal(calls.length, 1);
  assert.match(calls[0]!.path, /\/proxy\/api\/v1\/query_range\?query=sum%28rate/);
  assert.equal(calls[0]!.timeoutMs, 7_000);
});

test('an unreachable cluster or a time-out is an answer, not a throw; a caller abort throws', async () => {
  const away = new KubeClusterPrometheus({ connect: async () => ({ unreachable: 'no address' }) });
  assert.deepEqual(await away.query(input()), { unreachable: 'no address' });

  const slow = fakeClient(async () => {
    throw new BerthError(
      'BERTH_ERR_UNAVAILABLE',
      'the Kubernetes API at https://x does not answer (timed out)',
    );
  });
  const timedOut = new KubeClusterPrometheus(
    { connect: async () => ({ api: slow.client }) },
    20_000,
  );
  assert.deepEqual(await timedOut.query(input()), {
    unreachable:
      'no answer within 20 s (the Kubernetes API at https://x does not answer (timed out))',
  });

  const controller = new AbortController();
  const aborted = fakeClient(async () => {
    controller.abort();
    throw new Error('aborted');
  });
  const gone = new KubeClusterPrometheus({ connect: async () => ({ api: aborted.client }) });
  await assert.rejects(gone.query(input(controller.signal)), { name: 'AbortError' });
});
