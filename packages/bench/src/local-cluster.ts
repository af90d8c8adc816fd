/**
 * Real clusters on the local provider: one `berth server --provider local` (a child process,
 * with a run-unique name prefix and external CIDR) and, through its API, (1) seconds from the
 * create POST until every node of a 1 master + 3 node cluster is Ready in Kubernetes, (2) seconds
 * to scale a group from 3 to 20 nodes until all 20 are Ready, (3) resident memory of such a
 * cluster's servers, read from /proc. Clusters are deleted between runs; the leak checker runs
 * at the end and its findings are reported, not asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serverLayout } from '@berth/provider-local';
import {
  api,
  clusterPath,
  deleteCluster,
  untilReadyWorkers,
  withBerth,
  type Json,
  type LocalBerth,
} from './local-berth.js';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const CREATE_RUNS = 5;
const SCALE_RUNS = 3;
const SCALE_TO = 20;

async function createCluster(b: LocalBerth, name: string): Promise<number> {
  const started = Date.now();
  await api(b, 'POST', '/v1/projects/default/clusters', {
    metadata: { name },
    spec: { nodeGroups: [{ name: 'default', count: 3, runtime: 'simulated' }] },
  });
  await untilReadyWorkers(b, name, 3, 180_000);
  return (Date.now() - started) / 1000;
}

async function scaleTo(b: LocalBerth, name: string, count: number): Promise<number> {
  const started = Date.now();
  await api(b, 'PATCH', `${clusterPath(name)}/nodegroups/default`, { spec: { count } });
  await untilReadyWorkers(b, name, count, 300_000);
  return (Date.now() - started) / 1000;
}

function procStat(pid: number): { pgid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return { pgid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) };
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Process groups of a server: its agent's and every service's, from their pid files. */
function serverGroups(serverDir: string): number[] {
  const layout = serverLayout(serverDir);
  const services = fs.existsSync(layout.serviceDir)
    ? fs.readdirSync(layout.serviceDir).filter((f) => f.endsWith('.pid'))
    : [];
  return [layout.agentPid, ...services.map((f) => path.join(layout.serviceDir, f))].flatMap(
    (file) => {
      try {
        const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { pgid?: number; pid: number };
        return [record.pgid ?? record.pid];
      } catch {
        return [];
      }
    },
  );
}

/** MiB resident in every process of the cluster's servers' process groups, by role. */
async function clusterMemory(b: LocalBerth, name: string) {
  const nodes = (await api(b, 'GET', `${clusterPath(name)}/nodes`)).items as Json[];
  const pids = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const byGroup = new Map<number, number>();
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat) byGroup.set(stat.pgid, (byGroup.get(stat.pgid) ?? 0) + rssBytes(pid));
  }
  const mib = (role: string) =>
    nodes
      .filter((n) => n.role === role)
      .flatMap((n) => serverGroups(path.join(b.providerData, 'servers', n.serverId as string)))
      .reduce((sum, g) => sum + (byGroup.get(g) ?? 0), 0) /
    2 ** 20;
  return { master: mib('master'), workers: mib('worker') };
}

export async function benchLocalCluster(): Promise<Table> {
  const creates: number[] = [];
  const scales: number[] = [];
  let memory = { master: Number.NaN, workers: Number.NaN };
  const leaks = await withBerth(async (b) => {
    for (let i = 0; i < CREATE_RUNS; i++) {
      creates.push(await createCluster(b, `bench-c${i}`));
      if (i === 0) {
        await new Promise((r) => setTimeout(r, 10_000));
        memory = await clusterMemory(b, 'bench-c0');
      }
      await deleteCluster(b, `bench-c${i}`);
    }
    for (let i = 0; i < SCALE_RUNS; i++) {
      await createCluster(b, `bench-s${i}`);
      scales.push(await scaleTo(b, `bench-s${i}`, SCALE_TO));
      await deleteCluster(b, `bench-s${i}`);
    }
  });
  const total = memory.master + memory.workers;
  return {
    title: 'Local provider: real clusters (Kubernetes 1.34, simulated kwok workers)',
    method: `One \`berth server --provider local\` (SQLite). Create: POST of a 1 master + 3 node cluster until the API's node list shows 3 Ready workers, ${CREATE_RUNS} runs. Scale: a 3-node group PATCHed to ${SCALE_TO}, until ${SCALE_TO} Ready, ${SCALE_RUNS} runs. Memory: sum of VmRSS of every process in the cluster's server process groups (agents and services; the API load balancer's HAProxy not included), 10 s after the first create. Medians; leak check afterwards: ${leaks}.`,
    columns: [
      'create → 3 nodes Ready (s)',
      `scale 3 → ${SCALE_TO} Ready (s)`,
      'memory per cluster (MiB)',
      'master (MiB)',
      'workers (MiB)',
    ],
    rows: [
      [
        round(median(creates), 1),
        round(median(scales), 1),
        round(total, 0),
        round(memory.master, 0),
        round(memory.workers, 0),
      ],
    ],
  };
}
