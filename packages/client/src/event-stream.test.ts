import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { BerthClient } from './client.js';
import { sendProblem, startTestServer } from './test-server.js';
import { until } from '@berth/test-kit';

function event(id: number, reason = 'Progress', operation?: string) {
  return {
    id,
    project: 'default',
    cluster: 'demo',
    type: 'Normal',
    reason,
    message: `event ${id}`,
    time: new Date().toISOString(),
    operation,
  };
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

function writeEvent(res: ServerResponse, e: ReturnType<typeof event>): void {
  res.write(`id: ${e.id}\nevent: cluster-event\ndata: ${JSON.stringify(e)}\n\n`);
}

test('the stream reconnects with Last-Event-ID and yields each event once', async (t) => {
  let closedByClient = false;
  const server = await startTestServer((req, res, _body, seen) => {
    assert.equal(req.headers.accept, 'text/event-stream');
    openStream(res);
    if (seen.length === 1) {
      res.write('retry: 10\n\n: keep-alive\n\n');
      writeEvent(res, event(1));
      writeEvent(res, event(2));
      return void res.end();
    }
    res.on('close', () => (closedByClient = true));
    writeEvent(res, event(2)); // a replay the client must skip
    writeEvent(res, event(3));
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  const ids: number[] = [];
  for await (const e of client.streamEvents('default', 'demo')) {
    ids.push(e.id);
    if (e.id === 3) break;
  }
  assert.deepEqual(ids, [1, 2, 3]);
  assert.equal(server.seen[0]?.url, '/v1/projects/default/clusters/demo/events');
  assert.equal(server.seen[1]?.headers['last-event-id'], '2');
  assert.equal(server.seen[1]?.url, '/v1/projects/default/clusters/demo/events?since=2');
  await until('the condition', () => closedByClient, { timeoutMs: 2_000, intervalMs: 5 });
});

test('since= starts the stream after a known id; 503 on connect is retried', async (t) => {
  const server = await startTestServer((_req, res, _body, seen) => {
    if (seen.length === 1) return sendProblem(res, 503, 'BERTH_ERR_UNAVAILABLE', 'busy');
    openStream(res);
    writeEvent(res, event(41));
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  const stream = client.streamEvents('default', 'demo', { since: 40, reconnectDelayMs: 5 });
  const first = await stream.next();
  await stream.return();
  assert.equal(first.value && first.value.id, 41);
  assert.equal(server.seen[0]?.headers['last-event-id'], '40');
});

test('a refused stream (404) ends the iteration with the ApiError', async (t) => {
  const server = await startTestServer((_req, res) =>
    sendProblem(res, 404, 'BERTH_ERR_CLUSTER_NOT_FOUND', 'Cluster "demo" not found'),
  );
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  await assert.rejects(
    (async () => {
      for await (const _ of client.streamEvents('default', 'demo')) void _;
    })(),
    (err: unknown) => err instanceof ApiError && err.code === 'BERTH_ERR_CLUSTER_NOT_FOUND',
  );
});

test('aborting the signal ends the iteration quietly and closes the connection', async (t) => {
  let closed = false;
  const server = await startTestServer((req, res) => {
    openStream(res);
    res.on('close', () => (closed = true));
    writeEvent(res, event(1));
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  const abort = new AbortController();
  const ids: number[] = [];
  for await (const e of client.streamEvents('default', 'demo', { signal: abort.signal })) {
    ids.push(e.id);
    abort.abort();
  }
  assert.deepEqual(ids, [1]);
  await until('the condition', () => closed, { timeoutMs: 2_000, intervalMs: 5 });
});

test('`event: end` from the server ends the iteration without reconnecting', async (t) => {
  const server = await startTestServer((_req, res) => {
    openStream(res);
    writeEvent(res, event(1));
    res.write('event: end\ndata: {"reason":"ClusterDeleted"}\n\n');
    res.end();
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  const ids: number[] = [];
  for await (const e of client.streamEvents('default', 'demo', { reconnectDelayMs: 1 }))
    ids.push(e.id);
  assert.deepEqual(ids, [1]);
  assert.equal(server.seen.length, 1);
});
