/**
 * One `berth server --provider local` for a benchmark: a child process on a run-unique name
 * prefix and external CIDR, its API, cluster deletion, and the leak check when it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLeaks, isClean } from '@berth/provider-local';
import { createE2eEnv, type E2eEnv } from '@berth/provider-local/testing';

const cli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reads loosely shaped API JSON
export type Json = any;

export interface LocalBerth {
  env: E2eEnv;
  child: ChildProcess;
  url: string;
  token: string;
  providerData: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startBerth(extraEnv: Record<string, string> = {}): Promise<LocalBerth> {
  const env = await createE2eEnv();
  const token = `berth_${randomBytes(24).toString('hex')}`;
  const port = await freePort();
  const serverData = path.join(env.dataDir, 'server');
  const log = fs.openSync(path.join(env.dataDir, 'server.log'), 'a');
  const argv = ['server', '--listen', `127.0.0.1:${port}`, '--data-dir', serverData];
  const child = spawn(process.execPath, [cli, ...argv, '--provider', 'local'], {
    env: {
      ...process.env,
      BERTH_ADMIN_TOKEN: token,
      BERTH_LOG_LEVEL: 'warn',
      BERTH_LOCAL_PREFIX: env.prefix,
      BERTH_LOCAL_EXTERNAL_CIDR: env.externalCidr,
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  await until('berth server ready', 30_000, async () =>
    (await fetch(`${url}/readyz`)).ok ? true : undefined,
  );
  return { env, child, url, token, providerData: path.join(serverData, 'local-provider') };
}

export async function api(
  b: LocalBerth,
  method: string,
  url: string,
  body?: unknown,
): Promise<Json> {
  const res = await fetch(`${b.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${b.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export const clusterPath = (name: string) => `/v1/projects/default/clusters/${name}`;

export async function deleteCluster(b: LocalBerth, name: string): Promise<void> {
  await api(b, 'DELETE', clusterPath(name)).catch(() => undefined);
  await until(`${name} deleted`, 300_000, async () => {
    const res = await fetch(`${b.url}${clusterPath(name)}`, {
      headers: { authorization: `Bearer ${b.token}` },
    });
    return res.status === 404 ? true : undefined;
  });
}

/** Deletes every cluster left (after a failed run). */
export async function deleteAllClusters(b: LocalBerth): Promise<void> {
  const list = (await api(b, 'GET', '/v1/projects/default/clusters').catch(() => undefined))
    ?.items as Json[] | undefined;
  for (const c of list ?? []) await deleteCluster(b, c.metadata.name as string);
}

export async function stopBerth(b: LocalBerth): Promise<string> {
  if (b.child.exitCode === null && b.child.signalCode === null) {
    const gone = new Promise((r) => b.child.once('exit', r));
    b.child.kill('SIGTERM');
    await gone;
  }
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
