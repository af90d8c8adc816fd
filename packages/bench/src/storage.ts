/**
 * Persistent volumes on real nodes, through one `berth server --provider local`, a cluster of
 * one master and three real workers in az1:
 *
 * 1. provisioning: a claim (ssd, 1 GiB) and a pod using it, created together; time to the claim
 *    Bound and to the pod Running, 10 times;
 * 2. random-read IOPS inside a pod (`berth/fio`, 4 KiB O_DIRECT reads at queue depth 16 on a
 *    file on the volume) for each volume class, against the class's stated limit;
 * 3. re-attach after a drain: a StatefulSet's pod, from the drain's start to Running on another
 *    node with its volume;
 * 4. re-attach after node death: the pod's machine SIGKILLed, until the pod runs elsewhere with
 *    its volume (NotReady, fencing after BERTH_NODE_FENCE_AFTER_SECONDS, forced detach).
 *
 * Figures only; nothing is asserted.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseFioIops } from '@berth/images';
import { crashMachine } from '@berth/server/testing';
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
import { median, percentile, round } from './stats.js';

const run = promisify(execFile);
const PROVISION_RUNS = 10;
const IOPS_RUNS = 3;
const MOVE_RUNS = 3;
const DEATH_RUNS = 2;
const CLASSES = ['hdd', 'ssd', 'high-iops'];
const FIO =
  'fio --name=r --filename=/data/f --size=128M --rw=randread --bs=4k --direct=1 ' +
  '--ioengine=libaio --iodepth=16 --runtime=5 --time_based --output-format=json';

interface Ctx {
  b: LocalBerth;
  kubeconfig: string;
  registry: string;
}

const kubectl = async (ctx: Ctx, ...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', ctx.kubeconfig, ...args], { maxBuffer: 16 << 20 })).stdout;
const json = async (ctx: Ctx, ...args: string[]): Promise<Json> =>
  JSON.parse(await kubectl(ctx, ...args, '-o', 'json'));
const apply = async (ctx: Ctx, yaml: string) => {
  const file = path.join(ctx.b.env.dataDir, `apply-${performance.now()}.yaml`);
  fs.writeFileSync(file, yaml);
  await kubectl(ctx, 'apply', '-f', file);
};
const seconds = (t0: number) => (performance.now() - t0) / 1000;

const claimAndPod = (name: string, sc: string, image: string, command: string) => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ${sc}
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: c, image: '${image}', command: [sh, -c, '${command}'], volumeMounts: [{name: d, mountPath: /data}]}
  volumes: [{name: d, persistentVolumeClaim: {claimName: ${name}}}]
`;

async function removeClaimAndPod(ctx: Ctx, name: string): Promise<void> {
  await kubectl(ctx, 'delete', 'pod', name, '--wait=true', '--grace-period=0');
  await kubectl(ctx, 'delete', 'pvc', name, '--wait=true');
}

/** Seconds to Bound and to Running of a claim and its pod created together. */
async function provisionOnce(ctx: Ctx, i: number): Promise<{ bound: number; running: number }> {
  const name = `p${i}`;
  const t0 = performance.now();
  await apply(ctx, claimAndPod(name, 'ssd', `${ctx.registry}/berth/toolbox:latest`, 'sleep 3600'));
  let bound = Number.NaN;
  await until(
    `${name} Running`,
    async () => {
      if (Number.isNaN(bound) && (await json(ctx, 'get', 'pvc', name)).status.phase === 'Bound')
        bound = seconds(t0);
      const pod = await json(ctx, 'get', 'pod', name);
      return pod.status.phase === 'Running' ? true : undefined;
    },
    { timeoutMs: 180_000, intervalMs: POLL_MS },
  );
  const running = seconds(t0);
  await removeClaimAndPod(ctx, name);
  return { bound, running };
}

async function iops(ctx: Ctx, sc: string): Promise<number[]> {
  const name = `fio-${sc}`;
  await apply(ctx, claimAndPod(name, sc, `${ctx.registry}/berth/fio:latest`, 'sleep 3600'));
  await kubectl(ctx, 'wait', '--for=condition=Ready', `pod/${name}`, '--timeout=180s');
  const figures: number[] = [];
  for (let i = 0; i < IOPS_RUNS; i++)
    figures.push(parseFioIops(await kubectl(ctx, 'exec', name, '--', 'sh', '-c', FIO)).readIops);
  await removeClaimAndPod(ctx, name);
  return figures;
}

const STATEFUL = (image: string) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: data}
spec:
  serviceName: data
  replicas: 1
  selector: {matchLabels: {app: data}}
  template:
    metadata: {labels: {app: data}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: c, image: '${image}', command: [sleep, '100000'], volumeMounts: [{name: d, mountPath: /data}]}
  volumeClaimTemplates:
  - metadata: {name: d}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

async function dataPodNode(ctx: Ctx): Promise<string | undefined> {
  const pod = (await json(ctx, 'get', 'pods', '-l', 'app=data')).items[0] as Json | undefined;
  const running = pod?.status.phase === 'Running' && pod.metadata.deletionTimestamp === undefined;
  return running ? (pod.spec.nodeName as string) : undefined;
}

/** Seconds from `move` until the data pod runs on a node other than `from`. */
async function timeMove(ctx: Ctx, from: string, move: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await move();
  await until(
    'data pod Running elsewhere',
    async () => {
      const node = await dataPodNode(ctx);
      return node !== undefined && node !== from ? true : undefined;
    },
    { timeoutMs: 600_000, intervalMs: POLL_MS },
  );
  return seconds(t0);
}

async function serverIdOf(ctx: Ctx, node: string): Promise<string> {
  const servers = (await api(ctx.b, 'GET', '/v1/projects/default/servers')).items as Json[];
  return servers.find((s) => s.name === node)!.id as string;
}

export async function benchStorage(): Promise<Table> {
  process.env.BERTH_NODE_REPAIR_AFTER_SECONDS = '900';
  const provisioned: Array<{ bound: number; running: number }> = [];
  const measured: Record<string, number[]> = {};
  const drains: number[] = [];
  const deaths: number[] = [];
  let limits: Record<string, number> = {};
  const leaks = await withBerth(async (b) => {
    const ctx: Ctx = { b, kubeconfig: path.join(b.env.dataDir, 'st.kubeconfig'), registry: '' };
    await api(b, 'POST', '/v1/projects/default/clusters', {
      metadata: { name: 'bench-st' },
      spec: { nodeGroups: [{ name: 'a', count: 3 }] },
    });
    await untilReadyWorkers(b, 'bench-st', 3, 300_000);
    const res = await b.request('GET', `${clusterPath('bench-st')}/kubeconfig`);
    fs.writeFileSync(ctx.kubeconfig, res.text, { mode: 0o600 });
    ctx.registry = (await api(b, 'GET', '/v1/registry')).endpoint as string;
    const types = (await api(b, 'GET', '/v1/volume-types')).items as Json[];
    limits = Object.fromEntries(types.map((t) => [t.name, t.limits?.readIops ?? Number.NaN]));
    for (let i = 0; i < PROVISION_RUNS; i++) provisioned.push(await provisionOnce(ctx, i));
    for (const sc of CLASSES) measured[sc] = await iops(ctx, sc);
    await apply(ctx, STATEFUL(`${ctx.registry}/berth/toolbox:latest`));
    await until('data pod Running', () => dataPodNode(ctx), {
      timeoutMs: 180_000,
      intervalMs: POLL_MS,
    });
    for (let i = 0; i < MOVE_RUNS; i++) {
      const from = (await dataPodNode(ctx))!;
      drains.push(
        await timeMove(ctx, from, () =>
          kubectl(
            ctx,
            'drain',
            from,
            '--ignore-daemonsets',
            '--delete-emptydir-data',
            '--timeout=300s',
          ),
        ),
      );
      await kubectl(ctx, 'uncordon', from);
    }
    for (let i = 0; i < DEATH_RUNS; i++) {
      const from = (await dataPodNode(ctx))!;
      const serverId = await serverIdOf(ctx, from);
      deaths.push(await timeMove(ctx, from, () => crashMachine(b.env, serverId)));
    }
  });
  const s = (v: number) => round(v, 1);
  return {
    title: 'Persistent volumes on real nodes (local provider, the default release)',
    method: `One \`berth server --provider local\` (SQLite), a cluster of 1 master and 3 real workers in az1. Provisioning: a 1 GiB ssd claim and a pod using it applied together (WaitForFirstConsumer), time to the claim Bound and to the pod Running (polls every ${POLL_MS} ms), ${PROVISION_RUNS} runs. IOPS: \`berth/fio\` in a pod, 4 KiB random reads, O_DIRECT, libaio queue depth 16, 5 s on a 128 MiB file on a 1 GiB volume of each class, median of ${IOPS_RUNS}; the limit is the class's read IOPS from /v1/volume-types. Re-attach after a drain: a StatefulSet pod from \`kubectl drain\` of its node to Running on another node, median of ${MOVE_RUNS}. After node death: from SIGKILL of every process of the pod's machine to Running elsewhere (NotReady after the node-monitor grace, fenced after 30 s, detach forced), median of ${DEATH_RUNS}. Leak check afterwards: ${leaks}.`,
    columns: [
      'claim Bound p50 (s)',
      'pod Running p50 (s)',
      'pod Running max (s)',
      ...CLASSES.map((c) => `${c} read IOPS / limit`),
      'drain → Running elsewhere (s)',
      'node death → Running elsewhere (s)',
    ],
    rows: [
      [
        s(
          percentile(
            provisioned.map((p) => p.bound),
            50,
          ),
        ),
        s(
          percentile(
            provisioned.map((p) => p.running),
            50,
          ),
        ),
        s(Math.max(...provisioned.map((p) => p.running))),
        ...CLASSES.map((c) => `${round(median(measured[c] ?? [Number.NaN]), 0)} / ${limits[c]}`),
        s(median(drains)),
        s(median(deaths)),
      ],
    ],
  };
}
