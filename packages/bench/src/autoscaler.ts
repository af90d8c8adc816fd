/**
 * The cluster autoscaler through one `berth server --provider local`:
 *
 * 1. scale-up: 1,000 pending pods of 100m CPU on a simulated (kwok) group with min 0, max 100
 *    (std-2-4 nodes): seconds from the Deployment's create until every pod is Running, and the
 *    nodes it took;
 * 2. scale-down: the Deployment deleted → the group back at its min (0) with every server
 *    gone, with the scale-down unneeded time set to 30 s;
 * 3. real nodes: one pending pod on a real (containerd) group with min 0 → a new real node →
 *    the pod Running, seconds.
 *
 * Runs are repeated and medians reported. Figures only; nothing is asserted.
 */
import { performance } from 'node:perf_hooks';
import {
  api,
  clusterPath,
  deleteCluster,
  kubeOf,
  until,
  withBerth,
  type Json,
  type Kube,
  type LocalBerth,
} from './local-berth.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const RUNS = 3;
const PODS = 1000;
const UNNEEDED_SECONDS = 30;

async function createCluster(b: LocalBerth, name: string, group: Json): Promise<void> {
  await api(b, 'POST', '/v1/projects/default/clusters', {
    metadata: { name },
    spec: {
      autoscaler: { scaleDownUnneededSeconds: UNNEEDED_SECONDS, scaleDownDelayAfterAddSeconds: 0 },
      // CoreDNS lives on a fixed node of its own runtime, so the measured group can reach 0.
      nodeGroups: [{ name: 'system', runtime: group.runtime, count: 1 }, group],
    },
  });
  await until(
    `${name} Running`,
    async () => (await api(b, 'GET', clusterPath(name))).status.phase === 'Running' || undefined,
    { timeoutMs: 300_000, intervalMs: 500 },
  );
}

function deployment(name: string, replicas: number, image: string, selector: Json) {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector: selector,
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'main',
              image,
              command: ['sleep', '3600'],
              resources: { requests: { cpu: '100m' } },
            },
          ],
        },
      },
    },
  };
}

/**
 * Pods of the Deployment that run and are ready, from its status (the ReplicaSet controller's
 * count): polling that costs the cluster one small read, where listing 1,000 pods twice a
 * second would load the very API server being measured.
 */
async function running(kube: Kube, app: string): Promise<number> {
  const d = await kube.apps.readNamespacedDeploymentStatus({ name: app, namespace: 'default' });
  return d.status?.availableReplicas ?? 0;
}

const group = (b: LocalBerth, cluster: string, name: string): Promise<Json> =>
  api(b, 'GET', `${clusterPath(cluster)}/nodegroups/${name}`);

interface Run {
  /** Seconds from the Deployment's create until the autoscaler asked for its last node. */
  decided: number;
  up: number;
  down: number;
  nodes: number;
}

/** When the autoscaler last grew the group (its AutoscalerScaleUp events) since `since`. */
async function lastScaleUp(b: LocalBerth, cluster: string, since: number): Promise<number> {
  // Events come oldest first, a page at a time: read them all.
  const events: Json[] = [];
  let next: string | undefined;
  do {
    const query = `limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`;
    const page = await api(b, 'GET', `${clusterPath(cluster)}/events?${query}`);
    events.push(...(page.items as Json[]));
    next = page.metadata?.continue as string | undefined;
  } while (next);
  const times = events
    .filter((e) => e.reason === 'AutoscalerScaleUp')
    .map((e) => Date.parse(e.time as string))
    .filter((t) => t >= since);
  return times.length === 0 ? Number.NaN : Math.max(...times);
}

/** Seconds until `replicas` pods of a new Deployment run, then until the group is back at 0. */
async function scaleUpAndDown(
  b: LocalBerth,
  kube: Kube,
  cluster: string,
  groupName: string,
  replicas: number,
  image: string,
): Promise<Run> {
  const name = `load-${Date.now()}`;
  const wall = Date.now();
  const t0 = performance.now();
  await kube.apps.createNamespacedDeployment({
    namespace: 'default',
    body: deployment(name, replicas, image, { 'berth.dev/nodegroup': groupName }),
  });
  await until(
    `${replicas} pods Running`,
    async () => (await running(kube, name)) === replicas || undefined,
    { timeoutMs: 900_000, intervalMs: 500 },
  );
  const up = (performance.now() - t0) / 1000;
  const decided = ((await lastScaleUp(b, cluster, wall)) - wall) / 1000;
  const nodes = (await group(b, cluster, groupName)).spec.count as number;
  const t1 = performance.now();
  await kube.apps.deleteNamespacedDeployment({ name, namespace: 'default' });
  await until(
    `${groupName} back at 0`,
    async () => {
      const g = await group(b, cluster, groupName);
      return (g.spec.count === 0 && g.status.replicas === 0) || undefined;
    },
    { timeoutMs: 900_000, intervalMs: 500 },
  );
  return { decided, up, down: (performance.now() - t1) / 1000, nodes };
}

interface Scenario {
  label: string;
  cluster: string;
  runtime: 'simulated' | 'containerd';
  flavor: string;
  pods: number;
  max: number;
}

const SCENARIOS: Scenario[] = [
  {
    label: 'simulated, std-2-4',
    cluster: 'bench-small',
    runtime: 'simulated',
    flavor: 'std-2-4',
    pods: PODS,
    max: 100,
  },
  {
    label: 'simulated, std-8-16',
    cluster: 'bench-large',
    runtime: 'simulated',
    flavor: 'std-8-16',
    pods: PODS,
    max: 100,
  },
  {
    label: 'real (containerd), std-2-4',
    cluster: 'bench-real',
    runtime: 'containerd',
    flavor: 'std-2-4',
    pods: 1,
    max: 2,
  },
];

export async function benchAutoscaler(): Promise<Table> {
  const results = new Map<Scenario, Run[]>();
  const leaks = await withBerth(async (b) => {
    const image = `${(await api(b, 'GET', '/v1/registry')).endpoint as string}/berth/toolbox:latest`;
    for (const s of SCENARIOS) {
      await createCluster(b, s.cluster, {
        name: 'pool',
        runtime: s.runtime,
        flavor: s.flavor,
        count: 0,
        autoscaling: { enabled: true, min: 0, max: s.max },
      });
      const kube = await kubeOf(b, s.cluster);
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++)
        runs.push(await scaleUpAndDown(b, kube, s.cluster, 'pool', s.pods, image));
      results.set(s, runs);
      await deleteCluster(b, s.cluster);
    }
  });
  const m = (runs: Run[], key: keyof Run) => round(median(runs.map((r) => r[key])), 1);
  return {
    title: 'Cluster autoscaler (cluster-autoscaler 1.33.0 over externalgrpc, Kubernetes 1.34)',
    method: `One \`berth server --provider local\` (SQLite); one cluster per row, each with a fixed node of the same runtime for CoreDNS and the measured group (min 0) of the row's flavor; scale-down unneeded time ${UNNEEDED_SECONDS} s, no scale-down delay after a scale-up, scan interval 10 s. A Deployment of the row's pods (100m CPU each, a nodeSelector for the group) is created: "decided" is the time of the autoscaler's last scale-up of the group (its AutoscalerScaleUp event), "Running" the first poll (every 500 ms) that sees every pod available (Running and Ready, from the Deployment's status); then the Deployment is deleted, until the group's count and servers are back at 0. ${RUNS} runs per row, medians (each run in the last column: decided / Running / back at min). Goals: 1,000 pods Running ≤ 60 s (upstream's SLO: the scale-up decision within 30 s below 100 nodes). Leak check afterwards: ${leaks}.`,
    columns: [
      'group',
      'pods',
      'nodes added',
      'all nodes asked for (s)',
      'all pods Running (s)',
      'back at min (s)',
      'runs (s)',
    ],
    rows: [...results].map(([s, runs]) => [
      s.label,
      s.pods,
      m(runs, 'nodes'),
      m(runs, 'decided'),
      m(runs, 'up'),
      m(runs, 'down'),
      runs.map((r) => `${round(r.decided, 1)}/${round(r.up, 1)}/${round(r.down, 1)}`).join(', '),
    ]),
  };
}
