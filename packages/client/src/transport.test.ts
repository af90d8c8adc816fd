import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ApiError } from './api-error.js';
import { BerthClient } from './client.js';
import { sendJson, sendProblem, startTestServer } from './test-server.js';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

test('a POST retried after 503 resends the same Idempotency-Key', async (t) => {
  const server = await startTestServer((_req, res, _body, seen) => {
    if (seen.length < 3) return sendProblem(res, 503, 'BERTH_ERR_UNAVAILABLE', 'starting up');
    sendJson(res, 201, { apiVersion: 'berth.dev/v1', kind: 'Project', metadata: { name: 'p' } });
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint, token: 'berth_x', retry: fast });
  const project = await client.projects.create({ metadata: { name: 'p' } });
  assert.equal(project.metadata.name, 'p');
  const keys = server.seen.map((r) => r.headers['idempotency-key']);
  assert.equal(keys.length, 3);
  assert.match(String(keys[0]), /^[0-9a-f-]{36}$/);
  assert.deepEqual(new Set(keys).size, 1, 'one key for all attempts');
  assert.equal(server.seen[0]?.headers.authorization, 'Bearer berth_x');
  assert.deepEqual(JSON.parse(server.seen[2]?.body ?? ''), { metadata: { name: 'p' } });
});

test('a 409 saying the same key is still running is retried with that key', async (t) => {
  const server = await startTestServer((_req, res, _body, seen) => {
    if (seen.length === 1) {
      return sendProblem(
        res,
        409,
        'BERTH_ERR_CONFLICT',
        'still running; retry shortly',
        'Idempotency-Key',
      );
    }
    sendJson(res, 202, { operation: { id: 'op-1', phase: 'Pending', target: {} } });
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint, retry: fast });
  const accepted = await client.clusters.create('default', { metadata: { name: 'demo' } });
  assert.equal(accepted.operation.id, 'op-1');
  const [first, second] = server.seen.map((r) => r.headers['idempotency-key']);
  assert.equal(first, second);
});

test('other 409s are not retried', async (t) => {
  const server = await startTestServer((_req, res) =>
    sendProblem(
      res,
      409,
      'BERTH_ERR_ALREADY_EXISTS',
      'cluster "demo" already exists',
      'metadata.name',
    ),
  );
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint, retry: fast });
  await assert.rejects(client.clusters.create('default', { metadata: { name: 'demo' } }), {
    code: 'BERTH_ERR_ALREADY_EXISTS',
  });
  assert.equal(server.seen.length, 1);
});

test('two separate POSTs carry different keys', async (t) => {
  const server = await startTestServer((_req, res) => sendJson(res, 201, {}));
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  await client.projects.create({ metadata: { name: 'a' } });
  await client.projects.create({ metadata: { name: 'a' } });
  const [a, b] = server.seen.map((r) => r.headers['idempotency-key']);
  assert.notEqual(a, b);
});

test('a dropped connection is retried, POST with the same key', async (t) => {
  const server = await startTestServer((req, res, _body, seen) => {
    if (seen.length === 1) return void req.socket.destroy();
    sendJson(res, 201, { token: true });
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint, retry: fast });
  await client.tokens.create('default', { name: 'ci', role: 'member' });
  assert.equal(server.seen.length, 2);
  assert.equal(
    server.seen[0]?.headers['idempotency-key'],
    server.seen[1]?.headers['idempotency-key'],
  );
});

test('429 honours Retry-After, then gives up after the last attempt', async (t) => {
  const server = await startTestServer((_req, res) => {
    res.setHeader('retry-after', '0');
    sendProblem(res, 429, 'BERTH_ERR_RATE_LIMITED', 'slow down');
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint, retry: fast });
  await assert.rejects(client.clusters.list('default'), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'BERTH_ERR_RATE_LIMITED');
    return true;
  });
  assert.equal(server.seen.length, 4);
});

test('a problem body becomes an ApiError with code, field and message; no retry', async (t) => {
  const server = await startTestServer((_req, res) =>
    sendProblem(res, 400, 'BERTH_ERR_VALIDATION', 'must be 1, 3 or 5', 'spec.controlPlane.count'),
  );
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint, retry: fast });
  const request = { metadata: { name: 'demo' }, spec: { controlPlane: { count: 2 as 1 } } };
  await assert.rejects(client.clusters.create('default', request), {
    name: 'ApiError',
    status: 400,
    code: 'BERTH_ERR_VALIDATION',
    field: 'spec.controlPlane.count',
    message: 'must be 1, 3 or 5',
  });
  assert.equal(server.seen.length, 1);
});

test('an error without a problem body keeps status and an excerpt', async (t) => {
  const server = await startTestServer((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<h1>bad gateway</h1>');
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  await assert.rejects(client.projects.get('x'), (err: ApiError) => {
    assert.equal(err.code, 'BERTH_ERR_HTTP');
    assert.match(err.message, /HTTP 502 .*bad gateway/);
    return true;
  });
});

test('an unreachable server gives status 0 and BERTH_ERR_UNAVAILABLE', async () => {
  const port = await closedPort();
  const client = new BerthClient({ endpoint: `http://127.0.0.1:${port}`, retry: fast });
  await assert.rejects(client.catalog.versions(), (err: ApiError) => {
    assert.equal(err.status, 0);
    assert.equal(err.code, 'BERTH_ERR_UNAVAILABLE');
    assert.match(
      err.message,
      /cannot reach the Berth API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    return true;
  });
});

test('names are percent-encoded, actions use the colon form, PATCH is a merge patch', async (t) => {
  const server = await startTestServer((req, res) => {
    if (req.url?.endsWith('/kubeconfig')) {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      return void res.end('apiVersion: v1\nkind: Config\n');
    }
    sendJson(res, 202, { operation: { id: 'op-1', phase: 'Pending', target: {} } });
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: `${server.endpoint}/` });
  const up = await client.clusters.upgrade('default', 'demo', '1.35');
  assert.equal(up.operation.id, 'op-1');
  await client.nodeGroups.patch('default', 'demo', 'a/b', { spec: { count: 5 } });
  const yaml = await client.clusters.kubeconfig('default', 'demo');
  assert.equal(yaml, 'apiVersion: v1\nkind: Config\n');
  const [upgrade, patch, kubeconfig] = server.seen;
  assert.equal(upgrade?.url, '/v1/projects/default/clusters/demo:upgrade');
  assert.deepEqual(JSON.parse(upgrade?.body ?? ''), { version: '1.35' });
  assert.equal(patch?.method, 'PATCH');
  assert.equal(patch?.url, '/v1/projects/default/clusters/demo/nodegroups/a%2Fb');
  assert.equal(patch?.headers['content-type'], 'application/merge-patch+json');
  assert.equal(patch?.headers['idempotency-key'], undefined);
  assert.match(String(kubeconfig?.headers.accept), /application\/yaml/);
});

test('listAll follows continue tokens to the last page', async (t) => {
  const server = await startTestServer((req, res) => {
    const cont = new URL(req.url ?? '', 'http://x').searchParams.get('continue');
    const page = cont === null ? 0 : Number(cont);
    const metadata = page < 2 ? { continue: String(page + 1) } : {};
    sendJson(res, 200, { metadata, items: [{ id: `t${page}` }] });
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  const tokens = await client.tokens.listAll('default');
  assert.deepEqual(
    tokens.map((x) => x.id),
    ['t0', 't1', 't2'],
  );
  assert.equal(server.seen[2]?.url, '/v1/projects/default/tokens?continue=2');
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}
