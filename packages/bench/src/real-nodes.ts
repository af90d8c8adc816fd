/**
 * Real nodes on the local provider, through one `berth server --provider local`:
 *
 * 1. create → 1 master + 3 nodes Ready and CoreDNS ready, real nodes (containerd) against the
 *    simulated baseline (kwok), alternating in the same run;
 * 2. pod create → Running for an image already on the node: 100 pods in waves of 10, each
 *    timed from its create call to the first poll (every 50 ms) that sees it Running;
 * 3. idle memory per real worker: RSS and PSS of kubelet, containerd, its shims and kube-proxy,
 *    with one idle pod per node;
 * 4. HTTP through a LoadBalancer Service to 3 pods on 3 nodes (busybox httpd, a
 *    PodDisruptionBudget of minAvailable 2): requests/s and p99 at rest, then the failed
 *    requests while the node group rolls (a label change replaces every node).
 *
 * Traffic goes only to the run's own floating IP. Figures only; nothing is asserted.
 */
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverCgroupPath } from '@berth/provider-local';
import {
  api,
  clusterPath,
  deleteCluster,
  kubeOf,
  POLL_MS,
  readyWorkers,
  until,
  withBerth,
  type Json,
  type Kube,
  type LocalBerth,
} from './local-berth.js';
import type { Table } from './report.js';
import { median, percentile, round } from './stats.js';

const CREATE_RUNS = 3;
const PODS = 100;
const WAVE = 10;
const LOAD_RUNS = 3;
const LOAD_SECONDS = 10;
const CONCURRENCY = 8;
/** Requests/s during the roll: a steady service's load, not the saturation of the runs above. */
const ROLL_RATE = 200;
const NODE_DAEMONS = ['kubelet', 'containerd', 'containerd-shim', 'kube-proxy'];
const CSI_NODE_PLUGIN = 'csi/dist/bin/node-plugin.js';

type Runtime = 'containerd' | 'simulated';

async function coreDnsReady(b: LocalBerth, cluster: string): Promise<boolean> {
  const kube = await kubeOf(b, cluster).catch(() => undefined);
  if (kube === undefined) return false;
  const dns = await kube.apps
    .readNamespacedDeployment({ name: 'coredns', namespace: 'kube-system' })
    .catch(() => undefined);
  return (dns?.status?.readyReplicas ?? 0) >= (dns?.spec?.replicas ?? 1);
}

/** Seconds from the create POST until 3 Ready workers and a ready CoreDNS. */
async function createCluster(b: LocalBerth, name: string, runtime: Runtime): Promise<number> {
  const started = performance.now();
  await api(b, 'POST', '/v1/projects/default/clusters', {
    metadata: { name },
    spec: { nodeGroups: [{ name: 'default', count: 3, runtime }] },
  });
  await until(
    `${name}: 3 nodes Ready, CoreDNS ready`,
    async () =>
      (await readyWorkers(b, name)) === 3 && (await coreDnsReady(b, name)) ? true : undefined,
    { timeoutMs: 300_000, intervalMs: POLL_MS },
  );
  return (performance.now() - started) / 1000;
}

const toolboxPod = (name: string, labels: Record<string, string>, image: string) => ({
  metadata: { name, labels },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'main', image, command: ['sleep', '3600'] }],
  },
});

/** Every pod's seconds from its create call to Running, over `PODS` pods in waves of `size`. */
async function podStarts(kube: Kube, image: string, size: number): Promise<number[]> {
  const namespace = 'default';
  const latencies: number[] = [];
  for (let wave = 0; wave < PODS / size; wave++) {
    const label = { bench: `wave-${size}-${wave}` };
    const sent = new Map<string, number>();
    await Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const name = `start-${size}-${wave}-${i}`;
        sent.set(name, performance.now());
        await kube.core.createNamespacedPod({ namespace, body: toolboxPod(name, label, image) });
      }),
    );
    const running = new Map<string, number>();
    const deadline = performance.now() + 120_000;
    while (running.size < size && performance.now() < deadline) {
      const list = await kube.core.listNamespacedPod({
        namespace,
        labelSelector: `bench=wave-${size}-${wave}`,
      });
      const now = performance.now();
      for (const pod of list.items) {
        const name = pod.metadata?.name ?? '';
        if (pod.status?.phase === 'Running' && !running.has(name)) running.set(name, now);
      }
      await sleep(50);
    }
    for (const [name, at] of running) latencies.push((at - sent.get(name)!) / 1000);
    await kube.core.deleteCollectionNamespacedPod({
      namespace,
      labelSelector: `bench=wave-${size}-${wave}`,
      gracePeriodSeconds: 0,
    });
  }
  return latencies;
}

/** A DaemonSet of one idle pod per node: pulls the image everywhere. */
async function idlePodPerNode(kube: Kube, image: string): Promise<void> {
  const labels = { app: 'idle' };
  await kube.apps.createNamespacedDaemonSet({
    namespace: 'default',
    body: {
      metadata: { name: 'idle' },
      spec: {
        selector: { matchLabels: labels },
        template: toolboxPod('idle', labels, image),
      },
    },
  });
  await until(
    'idle pod on every node',
    async () => {
      const ds = await kube.apps.readNamespacedDaemonSet({ name: 'idle', namespace: 'default' });
      const s = ds.status;
      return s && s.desiredNumberScheduled > 0 && s.numberReady === s.desiredNumberScheduled
        ? true
        : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
}

function pssAndRss(pid: number): { pss: number; rss: number } {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
    return { pss: kb('Pss') * 1024, rss: kb('Rss') * 1024 };
  } catch {
    return { pss: 0, rss: 0 };
  }
}

/** MiB of the node daemons (not the agent, not the pods' own processes) of one server. */
function workerMemory(prefix: string, serverId: string): { pss: number; rss: number } {
  const group = serverCgroupPath(prefix, serverId);
  let pss = 0;
  let rss = 0;
  for (const entry of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cgroups = fs.readFileSync(`/proc/${entry}/cgroup`, 'utf8');
      const memory = /^\d+:[^:]*\bmemory\b[^:]*:(.*)$/m.exec(cgroups)?.[1] ?? '';
      if (memory !== group && !memory.startsWith(`${group}/`)) continue;
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // The CSI node plugin is a Node.js program (the server's agent, also Node.js, is not the node's).
      const csiPlugin = argv.includes(CSI_NODE_PLUGIN);
      if (!csiPlugin && !NODE_DAEMONS.some((d) => comm.startsWith(d))) continue;
      const m = pssAndRss(Number(entry));
      pss += m.pss;
      rss += m.rss;
    } catch {
      continue;
    }
  }
  return { pss: pss / 2 ** 20, rss: rss / 2 ** 20 };
}

const HTTPD = 'mkdir -p /www && echo ok >/www/index.html && exec httpd -f -p 8080 -h /www';

/** 3 httpd pods spread over the nodes, a PDB, a LoadBalancer Service; its address. */
export async function webService(kube: Kube, image: string): Promise<string> {
  const labels = { app: 'web' };
  await kube.apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // Serves until kube-proxy everywhere has stopped sending it new connections.
            terminationGracePeriodSeconds: 10,
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [
              {
                name: 'httpd',
                image,
                command: ['sh', '-c', HTTPD],
                ports: [{ containerPort: 8080 }],
                lifecycle: { preStop: { sleep: { seconds: 5 } } },
                readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
  });
  await kube.policy.createNamespacedPodDisruptionBudget({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: { minAvailable: 2, selector: { matchLabels: labels } },
    },
  });
  await kube.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        type: 'LoadBalancer',
        selector: labels,
        ports: [{ port: 80, targetPort: 8080 }],
      },
    },
  });
  const address = await until(
    'web LoadBalancer address',
    async () => {
      const svc = await kube.core.readNamespacedService({ name: 'web', namespace: 'default' });
      return svc.status?.loadBalancer?.ingress?.[0]?.ip;
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
  await until(
    'web answers through the load balancer',
    async () => ((await get(new http.Agent(), address)) ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  return address;
}

function get(agent: http.Agent, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port: 80, path: '/', agent, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

interface LoadFigures {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

/**
 * `CONCURRENCY` clients sending GETs until `done()` says stop: back to back, or together at
 * `rate` requests/s. busybox httpd closes every connection, so each request is a new one.
 */
async function load(host: string, done: () => boolean, rate?: number): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const gapMs = rate === undefined ? 0 : (1000 * CONCURRENCY) / rate;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      let next = performance.now() + (gapMs * i) / CONCURRENCY;
      while (!done()) {
        if (gapMs > 0) {
          await sleep(Math.max(0, next - performance.now()));
          next += gapMs;
        }
        const t0 = performance.now();
        if (await get(agent, host)) latencies.push(performance.now() - t0);
        else failed++;
      }
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return {
    requestsPerSecond: latencies.length / seconds,
    p99Ms: percentile(latencies, 99),
    requests: latencies.length + failed,
    failed,
  };
}

/** Changes the group's labels (every node is replaced) and waits until the roll is done. */
async function rollNodeGroup(b: LocalBerth, cluster: string): Promise<() => boolean> {
  const url = `${clusterPath(cluster)}/nodegroups/default`;
  await api(b, 'PATCH', url, { spec: { labels: { 'bench-roll': String(Date.now()) } } });
  let finished = false;
  void until(
    'node group rolled',
    async () => {
      const ng = await api(b, 'GET', url);
      const upToDate = (ng.status.conditions as Json[]).find((c) => c.type === 'UpToDate');
      return ng.status.phase === 'Running' &&
        ng.status.observedGeneration >= ng.metadata.generation &&
        upToDate?.status === 'True'
        ? true
        : undefined;
    },
    { timeoutMs: 900_000, intervalMs: 1000 },
  ).finally(() => (finished = true));
  return () => finished;
}

export async function benchRealNodes(): Promise<Table> {
  const creates: Record<Runtime, number[]> = { containerd: [], simulated: [] };
  let starts: number[] = [];
  let burst: number[] = [];
  const memory: Array<{ pss: number; rss: number }> = [];
  const steady: LoadFigures[] = [];
  let roll: LoadFigures | undefined;
  let rollSeconds = Number.NaN;
  const leaks = await withBerth(async (b) => {
    for (let i = 0; i < CREATE_RUNS; i++) {
      for (const runtime of ['containerd', 'simulated'] as const) {
        const name = `bench-${runtime.slice(0, 3)}${i}`;
        creates[runtime].push(await createCluster(b, name, runtime));
        await deleteCluster(b, name);
      }
    }
    await createCluster(b, 'bench-real', 'containerd');
    const kube = await kubeOf(b, 'bench-real');
    const registry = (await api(b, 'GET', '/v1/registry')).endpoint as string;
    const image = `${registry}/berth/toolbox:latest`;
    await idlePodPerNode(kube, image);
    await sleep(20_000);
    const workers = (await api(b, 'GET', `${clusterPath('bench-real')}/nodes`)).items as Json[];
    for (const node of workers.filter((n) => n.role === 'worker')) {
      memory.push(workerMemory(b.env.prefix, node.serverId as string));
    }
    starts = await podStarts(kube, image, 1);
    burst = await podStarts(kube, image, WAVE);
    const address = await webService(kube, image);
    for (let i = 0; i < LOAD_RUNS; i++) {
      const until = performance.now() + LOAD_SECONDS * 1000;
      steady.push(await load(address, () => performance.now() >= until));
    }
    const t0 = performance.now();
    const rolled = await rollNodeGroup(b, 'bench-real');
    roll = await load(address, rolled, ROLL_RATE);
    rollSeconds = (performance.now() - t0) / 1000;
  });
  const mib = (v: number) => round(v, 0);
  return {
    title: 'Real nodes on the local provider (Kubernetes 1.34, containerd)',
    method: `One \`berth server --provider local\` (SQLite). Create: POST of a 1 master + 3 node cluster until 3 workers are Ready and CoreDNS is ready, real nodes and the simulated (kwok) baseline alternating, ${CREATE_RUNS} runs each, medians. Pod start: ${PODS} pods of an image already on the nodes, one at a time, each from its create call to the first 50 ms poll that sees it Running; burst: the same in waves of ${WAVE} created at once. Memory: kubelet, containerd, its shims, kube-proxy and the CSI node plugin of each worker (PSS and RSS from smaps_rollup; one idle pod per node), median of the 3 workers. HTTP: ${CONCURRENCY} clients against a LoadBalancer Service (externalTrafficPolicy Cluster) to 3 busybox httpd pods (a 5 s preStop sleep) on 3 nodes, each request a new connection: back to back for ${LOAD_RUNS} runs of ${LOAD_SECONDS} s (medians; failed = all runs), then at ${ROLL_RATE} requests/s during a roll of the node group (a label change replaces all 3 nodes; PDB minAvailable 2), which took ${round(rollSeconds, 0)} s. Goals: create ≤ 20 s, pod start p50 ≤ 1.5 s, ≤ 150 MiB PSS per worker, 0 failed requests during the roll. Leak check afterwards: ${leaks}.`,
    columns: [
      'create real (s)',
      'create simulated (s)',
      'real / simulated',
      'pod start p50 (s)',
      'pod start p99 (s)',
      `burst of ${WAVE}: p50 / p99 (s)`,
      'worker PSS (MiB)',
      'worker RSS (MiB)',
      'req/s',
      'p99 (ms)',
      'failed at full load',
      'requests during roll',
      'failed during roll',
    ],
    rows: [
      [
        round(median(creates.containerd), 1),
        round(median(creates.simulated), 1),
        round(median(creates.containerd) / median(creates.simulated), 2),
        round(percentile(starts, 50), 2),
        round(percentile(starts, 99), 2),
        `${round(percentile(burst, 50), 2)} / ${round(percentile(burst, 99), 2)}`,
        mib(median(memory.map((m) => m.pss))),
        mib(median(memory.map((m) => m.rss))),
        round(median(steady.map((s) => s.requestsPerSecond)), 0),
        round(median(steady.map((s) => s.p99Ms)), 1),
        steady.reduce((sum, s) => sum + s.failed, 0),
        roll?.requests ?? 'n/a',
        roll?.failed ?? 'n/a',
      ],
    ],
  };
}
