/**
 * Fault test: `berth server` is killed with SIGKILL in the middle of creating a cluster, then
 * started again on the same data dir. The cluster must reach Running with exactly the resources
 * its spec asks for — nothing duplicated, nothing leaked. The real CLI runs as a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, until } from '@berth/test-kit';

const cli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const token = `berth_${randomBytes(24).toString('hex')}`;

function startServer(dataDir: string, port: number, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const log = fs.openSync(path.join(dataDir, 'server.log'), 'a');
  return spawn(
    process.execPath,
    // Plain HTTP on loopback: this test is about the store surviving a crash, not TLS.
    [
      cli,
      'server',
      '--listen',
      `127.0.0.1:${port}`,
      '--data-dir',
      dataDir,
      '--provider',
      'memory',
    ].concat('--insecure-http'),
    {
      env: { ...process.env, BERTH_ADMIN_TOKEN: token, BERTH_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', log, log],
    },
  );
}

async function api(
  port: number,
  method: string,
  url: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads loosely shaped JSON
): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

test('SIGKILL of berth server during a create: after restart the cluster is Running with no duplicates', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-crash-'));
  const port = await freePort();
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const first = startServer(dataDir, port, { BERTH_MEMORY_PROVIDER_DELAY_MS: '60' });
  children.push(first);
  await until(
    'server up',
    async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined),
    { timeoutMs: 20_000 },
  );
  const created = await api(port, 'POST', '/v1/projects/default/clusters', {
    metadata: { name: 'crashy' },
    spec: {
      nodeGroups: [
        { name: 'default', count: 2 },
        { name: 'batch', count: 2 },
      ],
    },
  });
  assert.equal(created.status, 202);

  // Kill once the create is under way: the network exists but not yet every server.
  await until(
    'create under way',
    async () => {
      const servers = (await api(port, 'GET', '/v1/projects/default/servers')).json?.items ?? [];
      return servers.length >= 1 ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
  first.kill('SIGKILL');
  await exited(first);
  const serversAtKill = (
    JSON.parse(fs.readFileSync(path.join(dataDir, 'memory-provider.json'), 'utf8')) as {
      servers?: unknown;
    }
  ).servers;
  assert.ok(serversAtKill !== undefined, 'the provider state survived the kill');

  const second = startServer(dataDir, port);
  children.push(second);
  const cluster = await until(
    'Running after restart',
    async () => {
      const res = await api(port, 'GET', '/v1/projects/default/clusters/crashy');
      return res.json?.status?.phase === 'Running' ? res.json : undefined;
    },
    { timeoutMs: 60_000 },
  );
  assert.equal(cluster.status.phase, 'Running');

  const count = async (kind: string) =>
    (await api(port, 'GET', `/v1/projects/default/${kind}`)).json.items as Array<{ name: string }>;
  const servers = await count('servers');
  assert.equal(
    servers.length,
    5,
    `1 master + 4 workers, got ${servers.map((s) => s.name).join(', ')}`,
  );
  assert.equal(new Set(servers.map((s) => s.name)).size, 5);
  assert.equal((await count('networks')).length, 1);
  assert.equal((await count('routers')).length, 1);
  assert.equal((await count('securitygroups')).length, 3);
  assert.equal((await count('loadbalancers')).length, 1);
  assert.equal((await count('floatingips')).length, 1);
  const op = await api(port, 'GET', `/v1/operations/${created.json.operation.id}`);
  assert.equal(op.json.phase, 'Succeeded');
});
