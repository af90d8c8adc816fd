/**
 * Addon install and removal time through one `berth server --provider local`: a cluster of
 * 1 master and 2 real workers; the ingress addon (Traefik) installed and removed RUNS times, each
 * timed from the API request to its operation's end (Installed: both Traefik pods available;
 * removed: every object gone, the load balancer and floating IP with them). The first install
 * pulls the image onto the nodes; the later ones find it there. Figures only.
 */
import { performance } from 'node:perf_hooks';
import {
  api,
  clusterPath,
  deleteAllClusters,
  readyWorkers,
  POLL_MS,
  startBerth,
  stopBerth,
  until,
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

export async function benchAddons(): Promise<Table> {
  const b = await startBerth();
  const installs: number[] = [];
  const removals: number[] = [];
  let leaks = 'not run';
  try {
    await api(b, 'POST', '/v1/projects/default/clusters', {
      metadata: { name: CLUSTER },
      spec: { nodeGroups: [{ name: 'default', count: 2 }] },
    });
    await until(
      '2 Ready workers',
      async () => ((await readyWorkers(b, CLUSTER)) === 2 ? true : undefined),
      { timeoutMs: 600_000, intervalMs: POLL_MS },
    );
    const addons = `${clusterPath(CLUSTER)}/addons`;
    for (let i = 0; i < RUNS; i++) {
      installs.push(await timed(b, () => api(b, 'POST', addons, { name: 'ingress' })));
      removals.push(await timed(b, () => api(b, 'DELETE', `${addons}/ingress`)));
    }
  } finally {
    await deleteAllClusters(b);
    leaks = await stopBerth(b);
  }
  const s = (v: number) => round(v, 1);
  return {
    title: 'Addon install and removal (local provider, real nodes)',
    method: `One \`berth server --provider local\` (SQLite), a cluster of 1 master and 2 real workers; the ingress addon (Traefik, 2 replicas behind an ACTIVE_STANDBY load balancer) installed and removed ${RUNS} times through the API, each timed from the request to its operation's end (polls every ${POLL_MS} ms): install = both pods available, removal = every object and the load balancer gone. The first install pulls the image. Leak check afterwards: ${leaks}.`,
    columns: [
      'install p50 (s)',
      'install first (s)',
      'install max (s)',
      'removal p50 (s)',
      'removal max (s)',
    ],
    rows: [
      [
        s(median(installs)),
        s(installs[0] ?? 0),
        s(Math.max(...installs)),
        s(median(removals)),
        s(Math.max(...removals)),
      ],
    ],
  };
}
