/**
 * Highly available clusters on the local provider: seconds from the create POST of a 3-master
 * cluster (masters in az1–az3, one worker) until the cluster is Running — every master serving
 * the API through its load balancer, etcd formed, controller-manager and scheduler leading, the
 * worker Ready — and, for comparison in the same run, the same for a 1-master cluster. Clusters
 * are deleted between runs; the leak checker runs at the end and is reported, not asserted.
 */
import {
  api,
  clusterPath,
  deleteCluster,
  POLL_MS,
  withBerth,
  type LocalBerth,
} from './local-berth.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';
import { until } from '@berth/test-kit';

const RUNS = 10;

async function secondsToRunning(b: LocalBerth, name: string, masters: number): Promise<number> {
  const started = Date.now();
  await api(b, 'POST', '/v1/projects/default/clusters', {
    metadata: { name },
    spec: {
      controlPlane: { count: masters },
      zones: masters === 3 ? ['az1', 'az2', 'az3'] : ['az1'],
      nodeGroups: [{ name: 'default', count: 1, runtime: 'simulated' }],
    },
  });
  await until(
    `${name} Running`,
    async () =>
      (await api(b, 'GET', clusterPath(name))).status?.phase === 'Running' ? true : undefined,
    { timeoutMs: 300_000, intervalMs: POLL_MS },
  );
  return (Date.now() - started) / 1000;
}

export async function benchHaCluster(): Promise<Table> {
  const three: number[] = [];
  const one: number[] = [];
  const leaks = await withBerth(async (b) => {
    for (let i = 0; i < RUNS; i++) {
      three.push(await secondsToRunning(b, `ha-${i}`, 3));
      await deleteCluster(b, `ha-${i}`);
      one.push(await secondsToRunning(b, `single-${i}`, 1));
      await deleteCluster(b, `single-${i}`);
    }
  });
  const row = (label: string, xs: number[]) => [
    label,
    round(median(xs), 1),
    round(Math.min(...xs), 1),
    round(Math.max(...xs), 1),
  ];
  return {
    title: 'Local provider: time to a Ready highly available cluster (Kubernetes 1.34)',
    method: `One \`berth server --provider local\` (SQLite). POST of a cluster with one 1-node group until its phase is Running (every master serves the API through the ACTIVE_STANDBY load balancer, leader-elected controller-manager and scheduler, node Ready); 3 masters in az1–az3 and, as the baseline in the same run, 1 master; ${RUNS} runs each, alternating. Goal for 3 masters: ≤ 30 s. Leak check afterwards: ${leaks}.`,
    columns: ['control plane', 'median (s)', 'min (s)', 'max (s)'],
    rows: [
      row('3 masters', three),
      row('1 master (baseline)', one),
      ['ratio 3 : 1 (medians)', round(median(three) / median(one), 2), '', ''],
    ],
  };
}
