/**
 * An upgrade users should not notice: a cluster of 3 masters (az1–az3) and 2 real-node groups
 * on the second-newest release is upgraded to the newest (`:upgrade`, masters one at a time,
 * then each group by surge + drain), while one client sends a request every 50 ms to the
 * cluster's Kubernetes API (a pod list through the API load balancer, each on a new connection)
 * and another every 20 ms to an app behind a LoadBalancer Service (3 busybox httpd replicas, a
 * PodDisruptionBudget of minAvailable 2, a 5 s preStop sleep). Reported per run and as medians:
 * the upgrade's total time (POST → operation Succeeded), the control plane's part of it, and the
 * failed API and app requests. Traffic goes only to the run's own floating IPs. Figures only.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import {
  api,
  clusterPath,
  deleteCluster,
  kubeOf,
  readyWorkers,
  until,
  withBerth,
  type Json,
  type LocalBerth,
} from './local-berth.js';
import { webService } from './real-nodes.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const RUNS = Number(process.env.BERTH_BENCH_UPGRADE_RUNS ?? 2);
const API_EVERY_MS = 50;
const APP_EVERY_MS = 20;
const GROUPS = [
  { name: 'a', count: 2, zone: 'az1' },
  { name: 'b', count: 1, zone: 'az2' },
];

interface Probed {
  sent: number;
  failed: number;
  samples: string[];
}

/** `once` every `everyMs` (not waiting for the previous one) until stopped. */
function every(everyMs: number, once: () => Promise<string | undefined>) {
  const result: Probed = { sent: 0, failed: 0, samples: [] };
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      result.sent++;
      const at = new Date().toISOString();
      const p = once().then((failure) => {
        if (failure === undefined) return;
        result.failed++;
        if (result.samples.length < 5) result.samples.push(`${at} ${failure}`);
      });
      const tracked = p.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      next += everyMs;
      await sleep(Math.max(0, next - performance.now()));
    }
    await Promise.all(inFlight);
  })();
  return async (): Promise<Probed> => {
    stopped = true;
    await loop;
    return result;
  };
}

/** One pod list with the admin credential on a new connection; undefined when it answered 200. */
function apiRequest(kubeconfig: k8s.KubeConfig): () => Promise<string | undefined> {
  const cluster = kubeconfig.getCurrentCluster()!;
  const user = kubeconfig.getCurrentUser()!;
  const url = new URL('/api/v1/namespaces/default/pods?limit=1', cluster.server);
  const decode = (b64: string | undefined) =>
    b64 === undefined ? undefined : Buffer.from(b64, 'base64');
  const options: https.RequestOptions = {
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    ca: decode(cluster.caData),
    cert: decode(user.certData),
    key: decode(user.keyData),
    agent: false,
    timeout: 2000,
  };
  return () =>
    new Promise((resolve) => {
      const req = https.get(options, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? undefined : `${res.statusCode}`));
        res.on('error', (err) => resolve(err.message));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(err.message));
    });
}

/** One GET of the app on a new connection; undefined when it answered 200, else why not. */
function appRequest(host: string): () => Promise<string | undefined> {
  return () =>
    new Promise((resolve) => {
      const req = http.get({ host, port: 80, path: '/', agent: false, timeout: 2000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? undefined : `${res.statusCode}`));
        res.on('error', (err) => resolve(err.message));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(err.message));
    });
}

/** The cluster's last event before `at`: what the upgrade was doing when a request failed. */
function stepAt(events: Json[], at: string): string {
  const before = events.filter((e) => (e.time as string) <= at);
  const last = before.at(-1);
  return last === undefined
    ? 'before any event'
    : `${last.reason} ${last.object?.name ?? ''}`.trim();
}

interface Run {
  totalSeconds: number;
  controlPlaneSeconds: number;
  api: Probed;
  app: Probed;
}

async function upgradeRun(b: LocalBerth, name: string, from: string, to: string): Promise<Run> {
  await api(b, 'POST', '/v1/projects/default/clusters', {
    metadata: { name },
    spec: {
      version: from,
      controlPlane: { count: 3 },
      zones: ['az1', 'az2', 'az3'],
      nodeGroups: GROUPS,
    },
  });
  const workers = GROUPS.reduce((n, g) => n + g.count, 0);
  await until(
    `${name} Running with ${workers} Ready workers`,
    async () =>
      (await api(b, 'GET', clusterPath(name))).status?.phase === 'Running' &&
      (await readyWorkers(b, name)) === workers
        ? true
        : undefined,
    { timeoutMs: 900_000, intervalMs: 1000 },
  );
  const kube = await kubeOf(b, name);
  const registry = (await api(b, 'GET', '/v1/registry')).endpoint as string;
  const address = await webService(kube, `${registry}/berth/toolbox:latest`);
  const config = new k8s.KubeConfig();
  config.loadFromString((await b.request('GET', `${clusterPath(name)}/kubeconfig`)).text);
  const stopApi = every(API_EVERY_MS, apiRequest(config));
  const stopApp = every(APP_EVERY_MS, appRequest(address));
  // Both clients steady before the upgrade starts.
  await sleep(5_000);
  const started = performance.now();
  let controlPlaneSeconds = Number.NaN;
  let totalSeconds = Number.NaN;
  let probes: { api: Probed; app: Probed } | undefined;
  try {
    const accepted = await api(b, 'POST', `${clusterPath(name)}:upgrade`, { version: to });
    const operation = accepted.operation.id as string;
    await until(
      `${name} upgraded to ${to}`,
      async () => {
        const cluster = await api(b, 'GET', clusterPath(name));
        if (
          Number.isNaN(controlPlaneSeconds) &&
          (cluster.status.controlPlaneVersion === to ||
            cluster.status.controlPlaneVersion?.startsWith(`${to}.`))
        )
          controlPlaneSeconds = (performance.now() - started) / 1000;
        const op = await api(b, 'GET', `/v1/operations/${operation}`);
        if (op.status?.phase === 'Failed' || op.phase === 'Failed')
          throw new Error(`upgrade failed: ${JSON.stringify(op)}`);
        return (op.status?.phase ?? op.phase) === 'Succeeded' ? true : undefined;
      },
      { timeoutMs: 3_600_000, intervalMs: 1000 },
    );
    totalSeconds = (performance.now() - started) / 1000;
    await sleep(5_000);
  } finally {
    // Stopped also when the upgrade failed, so no probe outlives the run.
    probes = { api: await stopApi(), app: await stopApp() };
  }
  const events = ((await api(b, 'GET', `${clusterPath(name)}/events`)).items as Json[]).sort(
    (x, y) => String(x.time).localeCompare(String(y.time)),
  );
  for (const probed of [probes.api, probes.app])
    probed.samples = probed.samples.map((s) => `${s} (after ${stepAt(events, s.slice(0, 24))})`);
  return { totalSeconds, controlPlaneSeconds, ...probes };
}

export async function benchUpgrade(): Promise<Table> {
  const runs: Run[] = [];
  let [from, to] = ['', ''];
  const leaks = await withBerth(async (b) => {
    const versions = ((await api(b, 'GET', '/v1/versions')).items as Json[])
      .map((v) => v.version as string)
      .sort((x, y) => Number(x.split('.')[1]) - Number(y.split('.')[1]));
    [from, to] = versions.slice(-2) as [string, string];
    for (let i = 0; i < RUNS; i++) {
      const name = `bench-up${i}`;
      runs.push(await upgradeRun(b, name, from, to));
      await deleteCluster(b, name);
    }
  });
  const pct = (p: Probed) => (p.sent === 0 ? 0 : (100 * p.failed) / p.sent);
  const row = (label: string, r: Run) => [
    label,
    round(r.totalSeconds, 0),
    round(r.controlPlaneSeconds, 0),
    `${r.api.failed} / ${r.api.sent} (${round(pct(r.api), 3)} %)`,
    `${r.app.failed} / ${r.app.sent}`,
    [...r.api.samples, ...r.app.samples].slice(0, 3).join('; ') || '–',
  ];
  return {
    title: `Upgrade ${from} → ${to}: 3 masters, 2 real-node groups, clients on the API and an app`,
    method: `One \`berth server --provider local\` (SQLite), 2 cores. Per run: a cluster of 3 masters (az1–az3) and node groups ${GROUPS.map((g) => `${g.name} (${g.count} real nodes, ${g.zone})`).join(' and ')} on ${from}, an app of 3 busybox httpd replicas (PDB minAvailable 2, 5 s preStop sleep, readiness probe) behind a LoadBalancer Service; then \`POST :upgrade {"version": "${to}"}\` while a client lists pods through the API load balancer every ${API_EVERY_MS} ms and another GETs the app through its floating IP every ${APP_EVERY_MS} ms, each request on a new connection with a 2 s timeout (from 5 s before the POST to 5 s after the operation Succeeded). Total: POST → operation Succeeded; control plane: POST → \`status.controlPlaneVersion\` is ${to}. ${RUNS} runs; the last row is the median. Goals: 0 failed app requests, ≤ 0.1 % failed API requests. Leak check afterwards: ${leaks}.`,
    columns: [
      'run',
      'total (s)',
      'control plane (s)',
      'failed API requests',
      'failed app requests',
      'first failures',
    ],
    rows: [
      ...runs.map((r, i) => row(String(i + 1), r)),
      [
        'median',
        round(median(runs.map((r) => r.totalSeconds)), 0),
        round(median(runs.map((r) => r.controlPlaneSeconds)), 0),
        `${median(runs.map((r) => r.api.failed))} (${round(median(runs.map((r) => pct(r.api))), 3)} %)`,
        `${median(runs.map((r) => r.app.failed))}`,
        '',
      ],
    ],
  };
}
