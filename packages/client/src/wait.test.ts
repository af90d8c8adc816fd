import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { ClusterEvent, Operation } from '@berth/api-types';
import { BerthClient } from './client.js';
import { sendJson, sendProblem, startTestServer } from './test-server.js';
import { OperationFailedError, TargetFailedError, WaitTimeoutError } from './wait.js';
import { until } from '@berth/test-kit';

const started = new Date(Date.now() - 1_000).toISOString();

function operation(phase: Operation['phase'], extra: Partial<Operation> = {}): Operation {
  return {
    id: 'op-1',
    kind: 'ClusterCreate',
    target: {
      kind: 'Cluster',
      project: 'default',
      cluster: 'demo',
      clusterUid: 'u1',
      name: 'demo',
      generation: 1,
    },
    phase,
    progress: phase === 'Succeeded' ? 100 : 10,
    message: phase,
    createdAt: started,
    updatedAt: started,
    ...extra,
  };
}

function event(id: number, reason: string, operationId?: string): ClusterEvent {
  const e: ClusterEvent = {
    id,
    project: 'default',
    cluster: 'demo',
    type: 'Normal',
    reason,
    message: reason,
    time: new Date().toISOString(),
  };
  if (operationId) e.operation = operationId;
  return e;
}

function writeEvent(res: ServerResponse, e: ClusterEvent): void {
  res.write(`id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** A server whose operation the test moves along; the event stream is written by the test. */
async function fakeApi(t: test.TestContext, streamStatus = 200) {
  const state = {
    op: operation('Running'),
    cluster: {
      phase: 'Provisioning',
      observedGeneration: 1,
      message: undefined as string | undefined,
    },
    stream: undefined as ServerResponse | undefined,
    history: [] as ClusterEvent[],
  };
  const server = await startTestServer((req, res) => {
    if (req.url?.startsWith('/v1/operations/op-1')) return sendJson(res, 200, state.op);
    if (req.url === '/v1/projects/default/clusters/demo')
      return sendJson(res, 200, { metadata: { generation: 1 }, status: state.cluster });
    if (req.headers.accept !== 'text/event-stream') {
      const since = Number(new URL(req.url ?? '', 'http://x').searchParams.get('since') ?? 0);
      return sendJson(res, 200, { metadata: {}, items: state.history.filter((e) => e.id > since) });
    }
    if (streamStatus !== 200)
      return sendProblem(res, streamStatus, 'BERTH_ERR_CLUSTER_NOT_FOUND', 'gone');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    state.stream = res;
  });
  t.after(() => server.close());
  const client = new BerthClient({ endpoint: server.endpoint });
  return { state, server, client };
}

test('an event wakes the poller: success is seen without waiting for the poll interval', async (t) => {
  const { state, server, client } = await fakeApi(t);
  const seen: string[] = [];
  const phases: string[] = [];
  const waiting = client.waitForOperation('op-1', {
    pollIntervalMs: 60_000,
    onEvent: (e) => seen.push(e.reason),
    onOperation: (op) => phases.push(op.phase),
  });
  await until('the condition', () => state.stream !== undefined, {
    timeoutMs: 2_000,
    intervalMs: 5,
  });
  const stream = state.stream as ServerResponse;
  writeEvent(stream, event(1, 'OtherAction', 'op-0'));
  writeEvent(stream, event(2, 'ServersCreated'));
  state.op = operation('Succeeded');
  writeEvent(stream, event(3, 'ClusterReady', 'op-1'));
  const done = await waiting;
  assert.equal(done.phase, 'Succeeded');
  assert.deepEqual(seen, ['ServersCreated', 'ClusterReady']);
  assert.deepEqual(phases, ['Running', 'Succeeded']);
  assert.ok(server.seen.filter((r) => r.url.startsWith('/v1/operations')).length <= 4);
});

test('an operation that ended before the stream connected still reports its events', async (t) => {
  const { state, client } = await fakeApi(t);
  state.op = operation('Failed', {
    error: { type: 'x', title: 't', status: 502, code: 'BERTH_ERR_PROVIDER', detail: 'boom' },
  });
  state.history = [
    { ...event(1, 'Earlier', 'op-0'), time: '2020-01-01T00:00:00Z' },
    event(2, 'CreateRequested', 'op-1'),
    event(3, 'ServerFailed'),
  ];
  const seen: string[] = [];
  await assert.rejects(
    client.waitForOperation('op-1', { onEvent: (e) => seen.push(e.reason) }),
    OperationFailedError,
  );
  assert.deepEqual(seen, ['CreateRequested', 'ServerFailed']);
});

test('events the stream delivered are not reported twice by the catch-up', async (t) => {
  const { state, client } = await fakeApi(t);
  const seen: number[] = [];
  const waiting = client.waitForOperation('op-1', {
    pollIntervalMs: 60_000,
    onEvent: (e) => seen.push(e.id),
  });
  await until('the condition', () => state.stream !== undefined, {
    timeoutMs: 2_000,
    intervalMs: 5,
  });
  const first = event(1, 'Progress', 'op-1');
  const other = event(2, 'Unrelated', 'op-9');
  state.history = [first, other, event(3, 'Done', 'op-1')];
  writeEvent(state.stream as ServerResponse, first);
  state.op = operation('Succeeded');
  writeEvent(state.stream as ServerResponse, other);
  await waiting;
  assert.deepEqual(seen, [1, 3]);
});

test('a Failed operation throws OperationFailedError with its code and message', async (t) => {
  const { state, client } = await fakeApi(t);
  state.op = operation('Failed', {
    error: {
      type: 'x',
      title: 'Infrastructure provider out of capacity',
      status: 502,
      code: 'BERTH_ERR_PROVIDER_QUOTA',
      detail: 'zone az1 has no room for 3 servers of std-8-32',
    },
  });
  await assert.rejects(client.waitForOperation('op-1'), (err: unknown) => {
    assert.ok(err instanceof OperationFailedError);
    assert.equal(err.code, 'BERTH_ERR_PROVIDER_QUOTA');
    assert.equal(err.message, 'zone az1 has no room for 3 servers of std-8-32');
    return true;
  });
});

test('polling alone finishes the wait when the stream is refused (cluster gone)', async (t) => {
  const { state, client } = await fakeApi(t, 404);
  setTimeout(() => (state.op = operation('Succeeded', { kind: 'ClusterDelete' })), 30);
  const done = await client.waitForOperation('op-1', { pollIntervalMs: 10 });
  assert.equal(done.kind, 'ClusterDelete');
});

test('a wait that outlives timeoutMs throws WaitTimeoutError and closes the stream', async (t) => {
  const { state, client } = await fakeApi(t);
  let closed = false;
  const waiting = client.waitForOperation('op-1', { timeoutMs: 150, pollIntervalMs: 20 });
  await until('the condition', () => state.stream !== undefined, {
    timeoutMs: 2_000,
    intervalMs: 5,
  });
  state.stream?.on('close', () => (closed = true));
  await assert.rejects(waiting, (err: unknown) => {
    assert.ok(err instanceof WaitTimeoutError);
    assert.equal(err.operation?.phase, 'Running');
    assert.match(err.message, /did not finish within 150ms/);
    return true;
  });
  await until('the condition', () => closed, { timeoutMs: 2_000, intervalMs: 5 });
});

test('aborting rejects with the signal reason', async (t) => {
  const { client } = await fakeApi(t);
  const abort = new AbortController();
  setTimeout(() => abort.abort(new Error('interrupted')), 30);
  await assert.rejects(client.waitForOperation('op-1', { signal: abort.signal }), /interrupted/);
});

test('a target in Error ends the wait at once; one still converging does not', async (t) => {
  const { state, client } = await fakeApi(t);
  state.cluster = { phase: 'Error', observedGeneration: 0, message: 'earlier failure' };
  const stale = client.waitForOperation('op-1', { pollIntervalMs: 20, timeoutMs: 300 });
  await assert.rejects(stale, WaitTimeoutError, 'an Error the controller has not re-read yet');
  state.cluster = {
    phase: 'Error',
    observedGeneration: 1,
    message: 'kube-apiserver v1.35.4 is not installed',
  };
  const began = Date.now();
  await assert.rejects(
    client.waitForOperation('op-1', { pollIntervalMs: 60_000, timeoutMs: 60_000 }),
    (err: unknown) =>
      err instanceof TargetFailedError &&
      /cluster "demo" is in Error: kube-apiserver v1\.35\.4 is not installed/.test(err.message),
  );
  assert.ok(Date.now() - began < 5_000);
});
