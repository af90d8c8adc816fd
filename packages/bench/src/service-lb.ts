/**
 * Time to a LoadBalancer Service's address on the local provider (the goal: within 10 s): one
 * `berth server --provider local`, a cluster of 1 master and 2 simulated (kwok) workers; a
 * LoadBalancer Service created through the cluster's API, timed from the create call to the
 * first poll (every 100 ms) that sees `status.loadBalancer.ingress`; then deleted, and the next
 * created once its load balancer is gone. Public (floating IP) and internal (VIP on the cluster
 * subnet) Services alternate. Figures only.
 */
import { performance } from 'node:perf_hooks';
import {
  api,
  kubeOf,
  POLL_MS,
  until,
  untilReadyWorkers,
  withBerth,
  type Json,
  type Kube,
  type LocalBerth,
} from './local-berth.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const RUNS = 5;
const CLUSTER = 'svclb';
const STATUS_POLL_MS = 100;
const KINDS = ['public', 'internal'] as const;
type Kind = (typeof KINDS)[number];

/** Seconds from the create call to the Service's address; the Service is deleted after. */
async function timeOne(b: LocalBerth, kube: Kube, kind: Kind, i: number): Promise<number> {
  const name = `${kind}-${i}`;
  const annotations: Record<string, string> =
    kind === 'internal' ? { 'loadbalancer.berth.dev/internal': 'true' } : {};
  const started = performance.now();
  const created = await kube.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name, annotations },
      spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }] },
    },
  });
  await until(
    `${name} address`,
    async () => {
      const s = await kube.core.readNamespacedService({ name, namespace: 'default' });
      return s.status?.loadBalancer?.ingress?.[0]?.ip;
    },
    { timeoutMs: 120_000, intervalMs: STATUS_POLL_MS },
  );
  const seconds = (performance.now() - started) / 1000;
  await kube.core.deleteNamespacedService({ name, namespace: 'default' });
  await until(
    `${name} load balancer gone`,
    async () => {
      const lbs = await api(b, 'GET', `/v1/projects/default/loadbalancers?cluster=${CLUSTER}`);
      const uid = created.metadata?.uid;
      return (lbs.items as Json[]).some((l) => l.attributes.tags['berth.dev/service'] === uid)
        ? undefined
        : true;
    },
    { timeoutMs: 120_000, intervalMs: POLL_MS },
  );
  return seconds;
}

export async function benchServiceLb(): Promise<Table> {
  const times: Record<Kind, number[]> = { public: [], internal: [] };
  const leaks = await withBerth(async (b) => {
    await api(b, 'POST', '/v1/projects/default/clusters', {
      metadata: { name: CLUSTER },
      spec: { nodeGroups: [{ name: 'default', count: 2, runtime: 'simulated' }] },
    });
    await untilReadyWorkers(b, CLUSTER, 2);
    const kube = await kubeOf(b, CLUSTER);
    for (let i = 0; i < RUNS; i++)
      for (const kind of KINDS) times[kind].push(await timeOne(b, kube, kind, i));
  });
  const s = (v: number) => round(v, 1);
  return {
    title: 'LoadBalancer Service to its address (local provider, kwok workers)',
    method: `One \`berth server --provider local\` (SQLite), a cluster of 1 master and 2 simulated workers. A LoadBalancer Service (one port) created through the cluster's API, timed from the create call to the first poll (every ${STATUS_POLL_MS} ms) that sees \`status.loadBalancer.ingress\`, then deleted; the next is created once its load balancer is gone. ${RUNS} public (floating IP) and ${RUNS} internal (VIP, annotation \`loadbalancer.berth.dev/internal\`) Services, alternating. The service controller looks at a serving cluster every 2.5 s, so up to 2.5 s of each figure is waiting for its pass. Goal: address within 10 s. Leak check afterwards: ${leaks}.`,
    columns: ['Service', 'p50 (s)', 'min (s)', 'max (s)', 'runs (s)'],
    rows: KINDS.map((kind) => [
      kind,
      s(median(times[kind])),
      s(Math.min(...times[kind])),
      s(Math.max(...times[kind])),
      times[kind].map(s).join(' / '),
    ]),
  };
}
