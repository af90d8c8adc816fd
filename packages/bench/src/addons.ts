/**
 * Addon install and removal time through one `berth server --provider local`: a cluster of
 * 1 master and 2 real workers; the ingress addon (Traefik), the monitoring addon (Prometheus
 * Operator, Prometheus, kube-state-metrics, node-exporter) and metrics-server each installed and
 * removed RUNS times, one after the other, each timed from the API request to its operation's end (Installed: every pod
 * available — for monitoring the operator's Prometheus StatefulSet too, for metrics-server its
 * APIService Available; removed: every object
 * gone, for ingress the load balancer and floating IP with it). The first install pulls the
 * images onto the nodes; the later ones find them there. Figures only.
 */
import { performance } from 'node:perf_hooks';
import {
  api,
  clusterPath,
  POLL_MS,
  until,
  untilReadyWorkers,
  withBerth,
  type Json,
  type LocalBerth,
} from './local-berth.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const RUNS = 5;
const CLUSTER = 'addons';

/** Seconds from the request until its operation ended; throws if it did not succeed. */
async function timed(b: LocalBerth, request: () => Promise<Json>): Promise<number> {
  const started = performance.now();
  const { operation } = await request();
  const done = await until(
    `operation ${operation.id as string}`,
    async () => {
      const op = await api(b, 'GET', `/v1/operations/${operation.id as string}`);
      return op.phase === 'Succeeded' || op.phase === 'Failed' ? op : undefined;
    },
    { timeoutMs: 600_000, intervalMs: POLL_MS },
  );
  if (done.phase !== 'Succeeded')
    throw new Error(`${done.kind as string}: ${done.message as string}`);
  return (performance.now() - started) / 1000;
}

const ADDONS = ['ingress', 'monitoring', 'metrics-server'] as const;

export async function benchAddons(): Promise<Table> {
  const times = Object.fromEntries(
    ADDONS.map((a) => [a, { installs: [] as number[], removals: [] as number[] }]),
  );
  const leaks = await withBerth(async (b) => {
    await api(b, 'POST', '/v1/projects/default/clusters', {
      metadata: { name: CLUSTER },
      spec: { nodeGroups: [{ name: 'default', count: 2 }] },
    });
    await untilReadyWorkers(b, CLUSTER, 2);
    const addons = `${clusterPath(CLUSTER)}/addons`;
    for (const addon of ADDONS)
      for (let i = 0; i < RUNS; i++) {
        const t = times[addon]!;
        t.installs.push(await timed(b, () => api(b, 'POST', addons, { name: addon })));
        t.removals.push(await timed(b, () => api(b, 'DELETE', `${addons}/${addon}`)));
      }
  });
  const s = (v: number) => round(v, 1);
  return {
    title: 'Addon install and removal (local provider, real nodes)',
    method: `One \`berth server --provider local\` (SQLite), a cluster of 1 master and 2 real workers; the ingress addon (Traefik, 2 replicas behind an ACTIVE_STANDBY load balancer), the monitoring addon (Prometheus Operator, one Prometheus, kube-state-metrics, node-exporter on both nodes) and metrics-server (catalog default version, 1 replica) each installed and removed ${RUNS} times through the API, each timed from the request to its operation's end (polls every ${POLL_MS} ms): install = every pod available (monitoring: the operator's Prometheus StatefulSet too; metrics-server: its APIService Available), removal = every object gone (ingress: and its load balancer). The first install of each pulls its images. Leak check afterwards: ${leaks}.`,
    columns: [
      'addon',
      'install p50 (s)',
      'install first (s)',
      'install max (s)',
      'removal p50 (s)',
      'removal max (s)',
    ],
    rows: ADDONS.map((addon) => {
      const { installs, removals } = times[addon]!;
      return [
        addon,
        s(median(installs)),
        s(installs[0] ?? 0),
        s(Math.max(...installs)),
        s(median(removals)),
        s(Math.max(...removals)),
      ];
    }),
  };
}
