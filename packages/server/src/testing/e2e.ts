/**
 * What the end-to-end suites over `berth server --provider local` share: a Berth server run as
 * a child process on its own data dir, prefix and external network; the CLI and kubectl against
 * it; polling; SIGKILL of a server's verified processes (fault injection); and the leak check
 * run once every cluster is gone.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { cacheDirFromEnv, createComponentStore, defaultComponentsDir } from '@berth/components';
import { ProcessRunner } from '@berth/exec';
import {
  checkLeaks,
  isClean,
  killCgroup,
  serverCgroupPath,
  serverLayout,
} from '@berth/provider-local';
import { createE2eEnv, e2eSkip, type E2eEnv } from '@berth/provider-local/testing';
import { freePort, requestText, skipUnless, until } from '@berth/test-kit';

export { createE2eEnv, type E2eEnv };

/**
 * Whether the component cache holds every one of these binaries (default release): the addons'
 * are built only when named (`berth components install default --only …`), and a suite that
 * needs them skips on a laptop without them and fails under BERTH_E2E=required.
 */
export async function binariesInstalled(binaries: readonly string[]): Promise<boolean> {
  const components = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir: defaultComponentsDir(),
    runner: new ProcessRunner(),
  });
  const found = await Promise.all(
    binaries.map((b) =>
      components.path(b, 'default').then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.every(Boolean);
}

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));
const hasKubectl = fs.existsSync('/usr/bin/kubectl') || fs.existsSync('/usr/local/bin/kubectl');
/** Real namespaces, and kubectl to drive the clusters; fails under BERTH_E2E=required. */
export const skip = e2eSkip || skipUnless({ kubectl: hasKubectl });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads loosely shaped JSON
export type Json = any;

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

/**
 * One `berth server --provider local` on its own data dir, prefix and external network, over
 * HTTPS as `berth server` serves by default: every call verifies it against the server's API CA
 * (`caFile`), as users do after `berth login --ca-file`.
 */
export class Berth {
  readonly token = `berth_${randomBytes(24).toString('hex')}`;
  readonly serverData: string;
  readonly cliConfig: string;
  child: ChildProcess | undefined;
  registryPort: number | undefined;
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

  /** The API's address. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Berth's API CA, which the server writes on its first start. */
  get caFile(): string {
    return path.join(this.serverData, 'api-ca.crt');
  }

  caPem(): string {
    return fs.readFileSync(this.caFile, 'utf8');
  }

  /** One request to the API (verified against the API CA), whatever its status. */
  request(
    method: string,
    url: string,
    options: { token?: string | undefined; body?: unknown } = {},
  ): Promise<{ status: number; text: string }> {
    const { token = this.token, body } = options;
    return requestText(`${this.url}${url}`, {
      method,
      caPem: this.caPem(),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
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
        // The platform registry's port, fixed for this server's life (image references name it)
        // and free, so suites side by side never meet an operator's registry on 5000.
        BERTH_REGISTRY_PORT: String((this.registryPort ??= await freePort())),
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    await until(
      'berth server ready',
      async () =>
        fs.existsSync(this.caFile) &&
        (await this.request('GET', '/readyz').catch(() => undefined))?.status === 200
          ? true
          : undefined,
      { timeoutMs: 30_000, intervalMs: 500 },
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
    const res = await this.request(method, url, body ? { body } : {});
    if (res.status < 200 || res.status > 299)
      throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
    return res.text ? JSON.parse(res.text) : undefined;
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

/** One row of `GET …/clusters/{c}/certificates`. */
export interface ListedCertificate {
  name: string;
  owner: string;
  kind: string;
  notAfter: string;
}

export async function clusterCertificates(b: Berth, cluster: string): Promise<ListedCertificate[]> {
  return (await b.api('GET', `/v1/projects/default/clusters/${cluster}/certificates`))
    .items as ListedCertificate[];
}

/** After a renewal: the same certificates listed, every leaf later, every authority unchanged. */
export function assertLeavesRenewed(before: ListedCertificate[], after: ListedCertificate[]): void {
  for (const cert of after) {
    const old = before.find((c) => c.owner === cert.owner && c.name === cert.name);
    assert.ok(old !== undefined, `${cert.owner}/${cert.name} listed before`);
    if (cert.kind === 'authority') assert.equal(cert.notAfter, old.notAfter, cert.name);
    else assert.ok(cert.notAfter > old.notAfter, `${cert.owner}/${cert.name} advanced`);
  }
}

export async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const out = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 32 << 20 });
  return out.stdout;
}

/**
 * kubectl, retried while a new namespace is still settling: its default ServiceAccount not made
 * yet (pods are refused). Not retried: a kubelet without its serving certificate (`tls: internal
 * error` from logs and exec) — Berth counts a real node ready only once it has one.
 */
export async function kubectlSettled(kubeconfig: string, ...args: string[]): Promise<string> {
  const settling = /serviceaccount "default" not found/;
  return until(
    `kubectl ${args.slice(0, 2).join(' ')}`,
    () =>
      kubectl(kubeconfig, ...args).catch((err: { stderr?: string }) => {
        if (!settling.test(err.stderr ?? '')) throw err;
        return undefined;
      }),
    { timeoutMs: 45_000, intervalMs: 1000 },
  );
}

export async function nodes(kubeconfig: string): Promise<Json[]> {
  return JSON.parse(await kubectl(kubeconfig, 'get', 'nodes', '-o', 'json')).items as Json[];
}

export const isReady = (node: Json) =>
  (node.status?.conditions ?? []).some(
    (c: Json) => c.type === 'Ready' && c.status === 'True',
  ) as boolean;

/**
 * `berth cluster create NAME --nodegroup default:count=COUNT --wait`, its kubeconfig written to
 * `kubeconfig`, then waits until kubectl sees COUNT Ready nodes: the set-up of the suites that
 * need a small cluster of real nodes. Returns the nodes.
 */
export async function createClusterWithReadyNodes(
  b: Berth,
  name: string,
  count: number,
  kubeconfig: string,
): Promise<Json[]> {
  await b.berth('cluster', 'create', name, '--nodegroup', `default:count=${count}`, '--wait');
  await b.berth('cluster', 'kubeconfig', name, '--output-file', kubeconfig);
  return until(
    `${count} Ready nodes`,
    async () => {
      const all = await nodes(kubeconfig);
      return all.length === count && all.every(isReady) ? all : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}

export async function readyNodes(kubeconfig: string, group: string): Promise<number> {
  const list = await nodes(kubeconfig);
  return list.filter((n) => n.metadata.labels['berth.dev/nodegroup'] === group && isReady(n))
    .length;
}

/**
 * The process group of the process a pid file names, when that process is still the one
 * recorded (same start time, from /proc/<pid>/stat); undefined otherwise.
 */
export function verifiedGroup(file: string): number | undefined {
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

/**
 * A host crash of a server: SIGKILL to every process in its machine's cgroup — agent, daemons,
 * containerd shims and containers alike. True when something was running.
 */
export async function crashMachine(env: E2eEnv, serverId: string): Promise<boolean> {
  const group = serverCgroupPath(env.prefix, serverId);
  const procs = `/sys/fs/cgroup/pids${group}/cgroup.procs`;
  const alive = fs.existsSync(procs) && fs.readFileSync(procs, 'utf8').trim() !== '';
  assert.ok(await killCgroup(group), `processes of ${serverId} survived SIGKILL`);
  return alive;
}

/** SIGKILL to every verified process group of a server: its agent and its services. */
export function crashServerProcesses(serverDir: string): number {
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
export function leftInInventory(providerData: string): string[] {
  const file = path.join(providerData, 'inventory.json');
  if (!fs.existsSync(file)) return [];
  const records = JSON.parse(fs.readFileSync(file, 'utf8')).records as Record<string, object>;
  return Object.entries(records).flatMap(([kind, byId]) =>
    ['ipam', 'Subnet', 'Network'].includes(kind) && Object.keys(byId).length <= 1
      ? []
      : Object.keys(byId).map((id) => `${kind}/${id}`),
  );
}

/**
 * Deletes every cluster through the API, stops the server, then checks that nothing is left:
 * no namespaces, links, rules, processes or files of the run, and no inventory record but the
 * shared external network. The data dir is removed when clean and kept (named) otherwise.
 */
export async function tearDownBerth(env: E2eEnv, b: Berth): Promise<void> {
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
}

/** A Berth server started on a fresh e2e environment, logged in with the CLI. */
export async function startBerth(): Promise<{ env: E2eEnv; b: Berth }> {
  const env = await createE2eEnv();
  const b = new Berth(env, await freePort());
  await b.start();
  await b.berth('login', '--endpoint', b.url, '--token', b.token, '--ca-file', b.caFile);
  return { env, b };
}

/** The last lines of each service log of a cluster's servers whose name contains `match`. */
export async function serviceLogTails(b: Berth, cluster: string, match: string, lines = 6) {
  const out: string[] = [];
  for (const server of await b.servers(cluster)) {
    if (!server.name.includes(match)) continue;
    const { logDir } = serverLayout(path.join(b.providerData, 'servers', server.id));
    for (const file of fs.existsSync(logDir) ? fs.readdirSync(logDir) : []) {
      const text = fs.readFileSync(path.join(logDir, file), 'utf8').trimEnd().split('\n');
      out.push(`--- ${server.name}/${file}\n${text.slice(-lines).join('\n')}`);
    }
  }
  return out.join('\n');
}
