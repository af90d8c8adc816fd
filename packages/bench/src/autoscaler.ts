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
  deleteAllClusters,
  kubeOf,
  startBerth,
  stopBerth,
  until,
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

/** Seconds until `replicas` pods of a new Deployment run, then until the group is back at 0. */
async function scaleUpAndDown(
  b: LocalBerth,
  kube: Kube,
  cluster: string,
  groupName: string,
  replicas: number,
  image: string,
): Promise<{ up: number; down: number; nodes: number }> {
  const name = `load-${Date.now()}`;
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
  return { up, down: (performance.now() - t1) / 1000, nodes };
}

export async function benchAutoscaler(): Promise<Table> {
  const b = await startBerth();
  const simulated: Array<{ up: number; down: number; nodes: number }> = [];
  const real: Array<{ up: number; down: number; nodes: number }> = [];
  let leaks = 'not checked';
  try {
    const image = `${(await api(b, 'GET', '/v1/registry')).endpoint as string}/berth/toolbox:latest`;
    await createCluster(b, 'bench-sim', {
      name: 'pool',
      runtime: 'simulated',
      count: 0,
      autoscaling: { enabled: true, min: 0, max: 100 },
    });
    const sim = await kubeOf(b, 'bench-sim');
    for (let i = 0; i < RUNS; i++) {
      simulated.push(await scaleUpAndDown(b, sim, 'bench-sim', 'pool', PODS, image));
    }
    await createCluster(b, 'bench-real', {
      name: 'real',
      runtime: 'containerd',
      count: 0,
      autoscaling: { enabled: true, min: 0, max: 2 },
    });
    const kube = await kubeOf(b, 'bench-real');
    for (let i = 0; i < RUNS; i++) {
      real.push(await scaleUpAndDown(b, kube, 'bench-real', 'real', 1, image));
    }
  } finally {
    await deleteAllClusters(b);
    leaks = await stopBerth(b);
  }
  const m = (list: typeof simulated, key: 'up' | 'down' | 'nodes') =>
    round(median(list.map((r) => r[key])), 1);
  return {
    title: 'Cluster autoscaler (cluster-autoscaler 1.33.0 over externalgrpc, Kubernetes 1.34)',
    method: `One \`berth server --provider local\` (SQLite); each cluster's scale-down unneeded time ${UNNEEDED_SECONDS} s, no scale-down delay after a scale-up, scan interval 10 s. Scale-up: a Deployment of ${PODS} pods (100m CPU each, a nodeSelector for the group) created on a simulated (kwok) group of std-2-4 nodes with min 0, max 100: seconds from the create call to the first poll (every 500 ms) that sees every pod available (Running and Ready, from the Deployment's status). Scale-down: the Deployment deleted, until the group's count and servers are back at 0. Real node: the same with 1 pod on a real (containerd) group with min 0, max 2, the image already in the platform registry. ${RUNS} runs each, medians. Goals: 1,000 pods Running ≤ 60 s. Leak check afterwards: ${leaks}.`,
    columns: [
      `${PODS} pods Running (s)`,
      'nodes added',
      'back at min (s)',
      '1 pod on a new real node (s)',
      'real node back at min (s)',
    ],
    rows: [
      [
        m(simulated, 'up'),
        m(simulated, 'nodes'),
        m(simulated, 'down'),
        m(real, 'up'),
        m(real, 'down'),
      ],
    ],
  };
}
