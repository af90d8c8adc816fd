import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './api-error.js';
import { BerthClient } from './client.js';
import { sendProblem, startTestServer } from './test-server.js';

function cluster(name: string, phase: string) {
  return { metadata: { name, uid: `uid-${name}` }, status: { phase } };
}

test('watchClusters starts after `since`, resumes with Last-Event-ID and skips repeats', async () => {
  const server = await startTestServer((req, res, _body, seen) => {
    assert.equal(req.headers.accept, 'text/event-stream');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (seen.length === 1) {
      res.write('retry: 10\n: connected\n\n');
      res.write(
        `id: 11\ndata: ${JSON.stringify({ type: 'upsert', cluster: cluster('a', 'Provisioning') })}\n\n`,
      );
      return void res.end();
    }
    res.write(
      `id: 11\ndata: ${JSON.stringify({ type: 'upsert', cluster: cluster('a', 'Provisioning') })}\n\n`,
    );
    res.write(
      `id: 12\ndata: ${JSON.stringify({ type: 'upsert', cluster: cluster('a', 'Running') })}\n\n`,
    );
    res.write(`id: 13\ndata: ${JSON.stringify({ type: 'delete', name: 'b', uid: 'uid-b' })}\n\n`);
  });
  const berth = new BerthClient({ endpoint: server.endpoint, token: 't' });
  let reconnects = 0;
  const got: string[] = [];
  for await (const change of berth.watchClusters('default', {
    since: '10',
    onReconnect: () => reconnects++,
  })) {
    got.push(
      change.type === 'upsert'
        ? `${change.version} ${change.cluster.metadata.name} ${change.cluster.status.phase}`
        : `${change.version} ${change.name} deleted`,
    );
    if (got.length === 3) break;
  }
  await server.close();
  assert.deepEqual(got, ['11 a Provisioning', '12 a Running', '13 b deleted']);
  assert.equal(reconnects, 1);
  assert.equal(server.seen[0]!.headers['last-event-id'], '10');
  assert.equal(server.seen[1]!.headers['last-event-id'], '11');
  assert.ok(
    server.seen.every((r) => r.url === '/v1/projects/default/clusters'),
    'no ?since=',
  );
});

test('watchClusters throws a refusal (403) instead of reconnecting', async () => {
  const server = await startTestServer((_req, res) =>
    sendProblem(res, 403, 'BERTH_ERR_FORBIDDEN', 'no'),
  );
  const berth = new BerthClient({ endpoint: server.endpoint, token: 't' });
  await assert.rejects(
    (async () => {
      for await (const _ of berth.watchClusters('default')) void _;
    })(),
    (err) => err instanceof ApiError && err.status === 403,
  );
  await server.close();
  assert.equal(server.seen.length, 1);
});

test('whoami reads /v1/whoami', async () => {
  const server = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'tok-1', name: 'ci', project: 'default', role: 'viewer' }));
  });
  const me = await new BerthClient({ endpoint: server.endpoint, token: 't' }).whoami();
  await server.close();
  assert.equal(me.role, 'viewer');
  assert.equal(server.seen[0]!.url, '/v1/whoami');
});
