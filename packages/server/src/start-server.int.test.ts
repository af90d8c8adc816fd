/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies are inspected structurally */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from './logger.js';
import { until } from '@berth/test-kit';
import { startServer } from './start-server.js';
import { logCapture } from './testing/app.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'berth-start-'));
}

async function getJson(url: string, secret: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
  return { status: response.status, body: await response.json() };
}

test('first start prints an admin token once, never logs it, and serves catalog and infra', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const printed: string[] = [];
  const logs = logCapture();
  const options = {
    insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
    listen: '127.0.0.1:0',
    dataDir: dir,
    print: (l: string) => printed.push(l),
    logger: createLogger({ destination: logs.stream }),
  };
  const first = await startServer(options);
  assert.equal(printed.length, 1);
  const secret = /berth_\S+/.exec(printed[0]!)![0];
  const versions = await getJson(`${first.url}/v1/versions`, secret);
  assert.equal(versions.status, 200);
  assert.ok(
    versions.body.items.some((v: { default: boolean }) => v.default),
    'versions from components/versions.json',
  );
  assert.equal((await getJson(`${first.url}/v1/flavors`, secret)).body.items[0].name, 'std-2-4');
  assert.deepEqual((await getJson(`${first.url}/v1/projects/default/servers`, secret)).body, {
    metadata: {},
    items: [],
  });
  await first.stop();
  const second = await startServer(options);
  assert.equal(printed.length, 1, 'no second token once an admin exists');
  assert.equal((await getJson(`${second.url}/v1/projects`, secret)).status, 200);
  await second.stop();
  assert.ok(!logs.text().includes(secret));
});

test('BERTH_ADMIN_TOKEN seeds exactly that secret; a short one is refused', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const logger = createLogger({ level: 'silent' });
  const secret = 'berth_automation-secret-0123456789';
  const printed: string[] = [];
  const server = await startServer({
    insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
    listen: '127.0.0.1:0',
    dataDir: dir,
    adminToken: secret,
    logger,
    print: (l) => printed.push(l),
  });
  assert.equal((await getJson(`${server.url}/v1/projects`, secret)).status, 200);
  assert.deepEqual(printed, []);
  await server.stop();
  await assert.rejects(
    startServer({ listen: '127.0.0.1:0', dataDir: dir, adminToken: 'short', logger }),
    /at least 24/,
  );
});

test('the composition root runs the controllers; stop ends them and open SSE streams', async (t) => {
  const dir = tempDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const secret = 'berth_automation-secret-0123456789';
  const server = await startServer({
    insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
    listen: '127.0.0.1:0',
    dataDir: dir,
    adminToken: secret,
    logger: createLogger({ level: 'silent' }),
  });
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/v1/projects/default/clusters`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ metadata: { name: 'wired' } }),
  });
  assert.equal(created.status, 202);
  const cluster = `${server.url}/v1/projects/default/clusters/wired`;
  await until('the controllers bring the cluster to Running', async () => {
    const reply = await getJson(cluster, secret);
    return reply.body.status.phase === 'Running';
  });
  const kubeconfig = await getJson(`${cluster}/kubeconfig`, secret);
  assert.equal(kubeconfig.status, 501, 'the memory provider runs no Kubernetes API');
  const nodes = await getJson(`${cluster}/nodes`, secret);
  assert.equal(nodes.body.items.length, 4);
  const streamEnded = new Promise<void>((resolve, reject) => {
    http
      .get(`${cluster}/events`, { headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
      .on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 200));
  const began = Date.now();
  await server.stop();
  await streamEnded;
  assert.ok(Date.now() - began < 5000, 'graceful stop does not wait for open streams');
});
