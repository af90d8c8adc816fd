/**
 * One `berth server --provider local` for a benchmark — the end-to-end suites' `Berth` harness
 * (a child process on a run-unique name prefix and external CIDR) — plus what benchmarks add:
 * API calls as plain functions, cluster deletion, and a leak check that is reported, not
 * asserted.
 */
import fs from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { checkLeaks, isClean } from '@berth/provider-local';
import { Berth, createE2eEnv, type Json } from '@berth/server/testing';
import { freePort, until } from '@berth/test-kit';

export { until, type Json };
export type LocalBerth = Berth;

/** Polls of the API while timing: fine enough for figures given to a tenth of a second. */
export const POLL_MS = 200;

async function startBerth(): Promise<LocalBerth> {
  const b = new Berth(await createE2eEnv(), await freePort());
  await b.start();
  return b;
}

export function api(b: LocalBerth, method: string, url: string, body?: unknown): Promise<Json> {
  return b.api(method, url, body);
}

export const clusterPath = (name: string) => `/v1/projects/default/clusters/${name}`;

/** Clients of a cluster's API, with the admin kubeconfig Berth hands out. */
export async function kubeOf(b: LocalBerth, cluster: string) {
  const res = await b.request('GET', `${clusterPath(cluster)}/kubeconfig`);
  if (res.status !== 200) throw new Error(`kubeconfig of ${cluster}: ${res.status} ${res.text}`);
  const config = new k8s.KubeConfig();
  config.loadFromString(res.text);
  return {
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    policy: config.makeApiClient(k8s.PolicyV1Api),
  };
}

export type Kube = Awaited<ReturnType<typeof kubeOf>>;

/** Workers whose Kubernetes node is Ready, from the API's live node list. */
export async function readyWorkers(b: LocalBerth, cluster: string): Promise<number> {
  const nodes = (await api(b, 'GET', `${clusterPath(cluster)}/nodes`)).items as Json[];
  return nodes.filter((n) => n.role === 'worker' && n.kubernetes?.ready === 'True').length;
}

export async function deleteCluster(b: LocalBerth, name: string): Promise<void> {
  await b.api('DELETE', clusterPath(name)).catch(() => undefined);
  await until(
    `${name} deleted`,
    async () => {
      const res = await b.request('GET', clusterPath(name));
      return res.status === 404 ? true : undefined;
    },
    { timeoutMs: 300_000, intervalMs: 500 },
  );
}

/** Deletes every cluster left (after a failed run). */
async function deleteAllClusters(b: LocalBerth): Promise<void> {
  const list = (await b.api('GET', '/v1/projects/default/clusters').catch(() => undefined))
    ?.items as Json[] | undefined;
  for (const c of list ?? []) await deleteCluster(b, c.metadata.name as string);
}

/** Waits until `count` workers of the cluster are Ready (the API's live node list). */
export function untilReadyWorkers(
  b: LocalBerth,
  cluster: string,
  count: number,
  timeoutMs = 600_000,
): Promise<true> {
  return until(
    `${cluster}: ${count} Ready workers`,
    async () => ((await readyWorkers(b, cluster)) === count ? true : undefined),
    { timeoutMs, intervalMs: POLL_MS },
  );
}

/**
 * Runs `work` against a fresh local Berth, then, also when it throws, deletes every cluster left
 * and stops the server. Returns the leak check's report ('clean' or what leaked).
 */
export async function withBerth(work: (b: LocalBerth) => Promise<void>): Promise<string> {
  const b = await startBerth();
  let leaks: string;
  try {
    await work(b);
  } finally {
    await deleteAllClusters(b);
    leaks = await stopBerth(b);
  }
  return leaks;
}

async function stopBerth(b: LocalBerth): Promise<string> {
  await b.stop();
  const report = await checkLeaks({
    runner: b.env.runner,
    prefix: b.env.prefix,
    dataDir: b.providerData,
    allowFiles: ['inventory.json'],
  });
  if (!isClean(report)) return `leaks: ${JSON.stringify(report)} (kept ${b.env.dataDir})`;
  fs.rmSync(b.env.dataDir, { recursive: true, force: true });
  return 'clean';
}
