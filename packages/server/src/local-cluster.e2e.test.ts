/**
 * End to end, as a user works: `berth server --provider local` and the real CLI run as child
 * processes, kubectl talks to the clusters they create. Per Kubernetes version: create a
 * cluster with two node groups, check the nodes kubectl sees, run a Deployment, scale. On 1.34
 * also: a worker server's processes are SIGKILLed (its node must go NotReady and the node group
 * must say so), and `berth server` is SIGKILLed mid-create (after a restart the cluster must
 * reach Running with no duplicate servers). Every run uses its own name prefix and external
 * CIDR; whatever happens, clusters are deleted through the API, the server is stopped and the
 * leak checker must find nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { checkLeaks, isClean, serverLayout } from '@berth/provider-local';
import { canRunE2e, createE2eEnv, type E2eEnv } from '@berth/provider-local/testing';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const hasKubectl = fs.existsSync('/usr/bin/kubectl') || fs.existsSync('/usr/local/bin/kubectl');
const skip = !canRunE2e
  ? 'needs root on Linux with ip and nft'
  : !hasKubectl
    ? 'needs kubectl'
    : false;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads loosely shaped JSON
type Json = any;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe().catch((err: unknown) => void (last = err));
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${String(last)})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/** One `berth server --provider local` on its own data dir, prefix and external network. */
class Berth {
  readonly token = `berth_${randomBytes(24).toString('hex')}`;
  readonly serverData: string;
  readonly cliConfig: string;
  child: ChildProcess | undefined;
  constructor(
    readonly env: E2eEnv,
    readonly port: number,
  ) {
    this.serverData = path.join(env.dataDir, 'server');
    this.cliConfig = path.join(env.dataDir, 'cli.yaml');
  }

  get providerData(): string {
    return path.join(this.serverData, 'local-provider');
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.serverData, { recursive: true });
    const log = fs.openSync(path.join(this.env.dataDir, 'server.log'), 'a');
    const argv = ['server', '--listen', `127.0.0.1:${this.port}`, '--data-dir', this.serverData];
    this.child = spawn(process.execPath, [cli, ...argv, '--provider', 'local'], {
      env: {
        ...process.env,
        BERTH_ADMIN_TOKEN: this.token,
        BERTH_LOG_LEVEL: 'warn',
        BERTH_LOCAL_PREFIX: this.env.prefix,
        BERTH_LOCAL_EXTERNAL_CIDR: this.env.externalCidr,
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    await until('berth server ready', 30_000, async () =>
      (await fetch(`http://127.0.0.1:${this.port}/readyz`)).ok ? true : undefined,
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited(child);
  }

  async berth(...args: string[]): Promise<string> {
    const env = { ...process.env, BERTH_CONFIG: this.cliConfig };
    const out = await run(process.execPath, [cli, ...args], { env, maxBuffer: 16 << 20 });
    return out.stdout;
  }

  async api(method: string, url: string, body?: unknown): Promise<Json> {
    const res = await fetch(`http://127.0.0.1:${this.port}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async servers(cluster: string): Promise<Array<{ id: string; name: string }>> {
    const all = (await this.api('GET', '/v1/projects/default/servers')).items as Array<{
      id: string;
      name: string;
      cluster?: string;
    }>;
    return all.filter((s) => s.cluster === cluster);
  }

  /** Deletes every cluster through the API and waits until they are gone. */
  async deleteAllClusters(): Promise<void> {
    const list = (await this.api('GET', '/v1/projects/default/clusters')).items as Json[];
    for (const c of list) await this.berth('cluster', 'delete', c.metadata.name, '--wait');
  }
}

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const out = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 32 << 20 });
  return out.stdout;
}

async function nodes(kubeconfig: string): Promise<Json[]> {
  return JSON.parse(await kubectl(kubeconfig, 'get', 'nodes', '-o', 'json')).items as Json[];
}

const isReady = (node: Json) =>
  (node.status?.conditions ?? []).some(
    (c: Json) => c.type === 'Ready' && c.status === 'True',
  ) as boolean;

async function readyNodes(kubeconfig: string, group: string): Promise<number> {
  const list = await nodes(kubeconfig);
  return list.filter((n) => n.metadata.labels['berth.dev/nodegroup'] === group && isReady(n))
    .length;
}

/**
 * The process group of the process a pid file names, when that process is still the one
 * recorded (same start time, from /proc/<pid>/stat); undefined otherwise.
 */
function verifiedGroup(file: string): number | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    const stat = fs.readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid(1) pgrp(2) … starttime(19).
    if (Number(fields[19]) !== record.startTime || fields[0] === 'Z') return undefined;
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** SIGKILL to every verified process group of a server: its agent and its services. */
function crashServerProcesses(serverDir: string): number {
  const layout = serverLayout(serverDir);
  const files = [
    layout.agentPid,
    ...(fs.existsSync(layout.serviceDir) ? fs.readdirSync(layout.serviceDir) : [])
      .filter((f) => f.endsWith('.pid'))
      .map((f) => path.join(layout.serviceDir, f)),
  ];
  let killed = 0;
  for (const file of files) {
    const pgid = verifiedGroup(file);
    if (pgid === undefined || pgid <= 1) continue;
    process.kill(-pgid, 'SIGKILL');
    killed++;
  }
  return killed;
}

/**
 * Inventory records that outlive every cluster: only the shared external network (its
 * Network, Subnet and IPAM record) may stay once the last cluster is gone.
 */
function leftInInventory(providerData: string): string[] {
  const file = path.join(providerData, 'inventory.json');
  if (!fs.existsSync(file)) return [];
  const records = JSON.parse(fs.readFileSync(file, 'utf8')).records as Record<string, object>;
  return Object.entries(records).flatMap(([kind, byId]) =>
    ['ipam', 'Subnet', 'Network'].includes(kind) && Object.keys(byId).length <= 1
      ? []
      : Object.keys(byId).map((id) => `${kind}/${id}`),
  );
}

function suite(version: string, faults: boolean): void {
  describe(`local cluster, Kubernetes ${version}`, { skip }, () => {
    let env: E2eEnv;
    let b: Berth;
    let kubeconfig: string;

    before(async () => {
      env = await createE2eEnv();
      b = new Berth(env, await freePort());
      await b.start();
      const endpoint = `http://127.0.0.1:${b.port}`;
      await b.berth('login', '--endpoint', endpoint, '--token', b.token);
      kubeconfig = path.join(env.dataDir, 'demo.kubeconfig');
    });

    after(async () => {
      try {
        if (b.child?.exitCode !== null || b.child?.signalCode !== null) await b.start();
        await b.deleteAllClusters();
      } finally {
        await b.stop();
        const report = await checkLeaks({
          runner: env.runner,
          prefix: env.prefix,
          dataDir: b.providerData,
          allowFiles: ['inventory.json'],
        });
        const left = leftInInventory(b.providerData);
        const clean = isClean(report) && left.length === 0;
        if (clean) fs.rmSync(env.dataDir, { recursive: true, force: true });
        assert.ok(
          clean,
          `leaks (data dir kept: ${env.dataDir}): ${JSON.stringify({ ...report, left })}`,
        );
      }
    });

    test('create: nodes, labels, taints, readyz, version, a Deployment', async () => {
      await b.berth(
        'cluster',
        'create',
        'demo',
        '--version',
        version,
        '--nodegroup',
        'default:flavor=std-2-4,count=3',
        '--nodegroup',
        'batch:count=1,taint=dedicated=batch:NoSchedule',
        '--wait',
      );
      await b.berth('cluster', 'kubeconfig', 'demo', '--output-file', kubeconfig);
      const list = await until('4 Ready nodes', 60_000, async () => {
        const l = await nodes(kubeconfig);
        return l.length === 4 && l.every(isReady) ? l : undefined;
      });
      const servers = await b.servers('demo');
      for (const node of list) {
        const labels = node.metadata.labels as Record<string, string>;
        assert.match(labels['berth.dev/nodegroup'] ?? '', /^(default|batch)$/);
        assert.ok(labels['topology.kubernetes.io/zone'], `zone on ${node.metadata.name}`);
        assert.ok(labels['node.kubernetes.io/instance-type'], `type on ${node.metadata.name}`);
        const id = /^berth:\/\/(.+)$/.exec(node.spec.providerID ?? '')?.[1];
        assert.ok(id && servers.some((s) => s.id === id), `providerID ${node.spec.providerID}`);
      }
      const defaults = list.filter((n) => n.metadata.labels['berth.dev/nodegroup'] === 'default');
      assert.equal(defaults.length, 3);
      for (const n of defaults)
        assert.equal(n.metadata.labels['node.kubernetes.io/instance-type'], 'std-2-4');
      const batch = list.filter((n) => n.metadata.labels['berth.dev/nodegroup'] === 'batch');
      assert.equal(batch.length, 1);
      // The node-lifecycle controller lifts its own node.kubernetes.io/not-ready taint a moment
      // after the node turns Ready; what must remain is exactly the node group's taint.
      const taintsOf = (n: Json): string[] =>
        ((n.spec.taints ?? []) as Json[]).map((t) => `${t.key}=${t.value}:${t.effect}`);
      const batchName = batch[0].metadata.name as string;
      const settled = await until('batch node taints settle', 30_000, async () => {
        const node = (await nodes(kubeconfig)).find((n) => n.metadata.name === batchName);
        const taints = node ? taintsOf(node) : [];
        return taints.some((t) => t.startsWith('node.kubernetes.io/')) ? undefined : taints;
      });
      assert.deepEqual(settled, ['dedicated=batch:NoSchedule']);

      assert.equal((await kubectl(kubeconfig, 'get', '--raw', '/readyz')).trim(), 'ok');
      const gitVersion = JSON.parse(await kubectl(kubeconfig, 'get', '--raw', '/version'))
        .gitVersion as string;
      assert.ok(gitVersion.startsWith(`v${version}.`), gitVersion);

      await kubectl(kubeconfig, 'create', 'deployment', 'web', '--image=nginx', '--replicas=5');
      await until('5 Running pods', 90_000, async () => {
        const pods = JSON.parse(
          await kubectl(kubeconfig, 'get', 'pods', '-l', 'app=web', '-o', 'json'),
        ).items as Json[];
        const running = pods.filter((p) => p.status?.phase === 'Running');
        return running.length === 5 ? true : undefined;
      });
    });

    test('scale default to 5, then 2: nodes follow', async () => {
      await b.berth('nodegroup', 'scale', 'demo', 'default', '--count', '5', '--wait');
      await until('5 default nodes Ready', 60_000, async () =>
        (await readyNodes(kubeconfig, 'default')) === 5 ? true : undefined,
      );
      await b.berth('nodegroup', 'scale', 'demo', 'default', '--count', '2', '--wait');
      await until('2 default nodes', 60_000, async () => {
        const l = (await nodes(kubeconfig)).filter(
          (n) => n.metadata.labels['berth.dev/nodegroup'] === 'default',
        );
        return l.length === 2 && l.every(isReady) ? true : undefined;
      });
      assert.equal((await b.servers('demo')).length, 1 + 2 + 1);
    });

    if (!faults) return;

    test('a worker crash: its node goes NotReady and the node group says so', async () => {
      const list = await nodes(kubeconfig);
      const victim = list.find((n) => n.metadata.labels['berth.dev/nodegroup'] === 'default');
      const serverId = /^berth:\/\/(.+)$/.exec(victim.spec.providerID)?.[1] as string;
      const server = (await b.servers('demo')).find((s) => s.id === serverId);
      assert.ok(server, `server ${serverId} of node ${victim.metadata.name}`);
      const killed = crashServerProcesses(path.join(b.providerData, 'servers', serverId));
      assert.ok(killed > 0, 'found verified processes to kill');
      // kwok's lease is 40 s and the node-lifecycle grace 50 s: allow both plus slack.
      let nodeNotReady = false;
      let groupSays = false;
      let clusterSays = false;
      await until('node NotReady, reported by the API', 150_000, async () => {
        const node = (await nodes(kubeconfig)).find(
          (n) => n.metadata.name === victim.metadata.name,
        );
        if (node !== undefined && !isReady(node)) nodeNotReady = true;
        const ng = await b.api('GET', '/v1/projects/default/clusters/demo/nodegroups/default');
        const ngCond = (ng.status.conditions as Json[]).find((c) => c.type === 'NodesReady');
        if (ngCond?.status === 'False' && String(ngCond.message).includes(server.name))
          groupSays = true;
        const cluster = await b.api('GET', '/v1/projects/default/clusters/demo');
        const cond = (cluster.status.conditions as Json[]).find((c) => c.type === 'NodesReady');
        if (cond?.status === 'False' && String(cond.message).includes('default'))
          clusterSays = true;
        return nodeNotReady && groupSays && clusterSays ? true : undefined;
      });
    });

    test('SIGKILL of berth server mid-create: after restart Running, no duplicates', async () => {
      await b.api('POST', '/v1/projects/default/clusters', {
        metadata: { name: 'crashy' },
        spec: { version, nodeGroups: [{ name: 'default', count: 2 }] },
      });
      await until('create under way', 60_000, async () =>
        (await b.servers('crashy')).length >= 1 ? true : undefined,
      );
      await b.stop('SIGKILL');
      await b.start();
      let seen = '';
      await until('crashy Running after restart', 120_000, async () => {
        const c = await b.api('GET', '/v1/projects/default/clusters/crashy');
        seen = `${c.status?.phase} ${JSON.stringify(c.status?.conditions?.filter((x: Json) => x.status !== 'True').map((x: Json) => x.message))}`;
        return c.status?.phase === 'Running' ? true : undefined;
      }).catch((err: Error) => {
        throw new Error(`${err.message}; last seen: ${seen}`);
      });
      const servers = await b.servers('crashy');
      assert.equal(servers.length, 3, servers.map((s) => s.name).join(', '));
      assert.equal(new Set(servers.map((s) => s.name)).size, 3);
    });
  });
}

suite('1.34', true);
suite('1.33', false);
