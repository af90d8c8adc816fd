import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, setPhase, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';

interface SseEvent {
  id: number;
  reason: string;
}

/** Opens an SSE stream and collects `count` events (or fails after `ms`). */
function readEvents(
  url: string,
  secret: string,
  count: number,
  headers: Record<string, string> = {},
  ms = 5000,
): Promise<{ events: SseEvent[]; contentType: string }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = http.get(
      url,
      { headers: { authorization: `Bearer ${secret}`, accept: 'text/event-stream', ...headers } },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(frame);
            const data = /^data: (.*)$/m.exec(frame);
            if (id && data) {
              const event = JSON.parse(data[1]!) as SseEvent;
              assert.equal(event.id, Number(id[1]));
              events.push(event);
            }
            if (events.length === count) {
              clearTimeout(timer);
              req.destroy();
              resolve({ events, contentType: String(res.headers['content-type']) });
            }
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`only ${events.length} of ${count} events within ${ms} ms`));
    }, ms);
    req.on('error', (err) => {
      if (events.length < count) reject(err);
    });
  });
}

for (const backend of storeBackends()) {
  describe(`idempotency and events on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;
    let url: string;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      api = client(t.app, t.adminSecret);
      url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('a retried create with the same key returns the first result and creates nothing twice', async () => {
      const body = { metadata: { name: 'idem' }, spec: { nodeGroups: [{ name: 'a' }] } };
      const key = { 'idempotency-key': 'create-idem-1' };
      const first = await api.post(BASE, body, key);
      assert.equal(first.status, 202);
      const reordered = { spec: { nodeGroups: [{ name: 'a' }] }, metadata: { name: 'idem' } };
      const again = await api.post(BASE, reordered, key);
      assert.equal(again.status, 202);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      const ops = await t.store.operations.listForCluster(first.body.cluster.metadata.uid);
      assert.equal(ops.length, 1, 'one operation only');
      assert.deepEqual(problemOf(await api.post(BASE, { metadata: { name: 'other' } }, key)), {
        status: 422,
        code: 'BERTH_ERR_IDEMPOTENCY_KEY_REUSED',
        field: 'Idempotency-Key',
      });
      const failed = await api.post(BASE, body, { 'idempotency-key': 'dup-1' });
      assert.equal(failed.status, 409, 'the duplicate name is a 4xx, stored like any answer');
      const failedAgain = await api.post(BASE, body, { 'idempotency-key': 'dup-1' });
      assert.deepEqual(failedAgain.body, failed.body);
      const viewer = await api.post(
        '/v1/projects/default/tokens',
        { name: 'v', role: 'viewer' },
        { 'idempotency-key': 'tok-1' },
      );
      assert.equal(viewer.status, 201);
      const replayed = await api.post(
        '/v1/projects/default/tokens',
        { name: 'v', role: 'viewer' },
        { 'idempotency-key': 'tok-1' },
      );
      assert.deepEqual(problemOf(replayed), { status: 409, code: 'BERTH_ERR_CONFLICT' });
      assert.ok(!replayed.text.includes(viewer.body.secret), 'secrets are never replayed');
      assert.equal(
        (await api.get('/v1/projects/default/tokens')).body.items.filter(
          (x: { name: string }) => x.name === 'v',
        ).length,
        1,
      );
      assert.deepEqual(
        problemOf(await api.post(BASE, body, { 'idempotency-key': 'x'.repeat(300) })),
        {
          status: 400,
          code: 'BERTH_ERR_VALIDATION',
          field: 'Idempotency-Key',
        },
      );
    });

    test('concurrent requests with one key run once', async () => {
      const body = { metadata: { name: 'race' } };
      const replies = await Promise.all(
        Array.from({ length: 5 }, () => api.post(BASE, body, { 'idempotency-key': 'race-1' })),
      );
      const statuses = replies.map((r) => r.status).sort();
      assert.ok(
        statuses.every((s) => s === 202 || s === 409),
        statuses.join(),
      );
      const cluster = await t.store.clusters.require({ project: 'default', name: 'race' });
      assert.equal((await t.store.operations.listForCluster(cluster.metadata.uid)).length, 1);
    });

    test('event history pages with since/continue and lists every action in order', async () => {
      await setPhase(t.store, 'default', 'idem', 'Running');
      assert.equal((await api.post(`${BASE}/idem:stop`)).status, 202);
      await setPhase(t.store, 'default', 'idem', 'Stopped');
      assert.equal((await api.post(`${BASE}/idem:start`)).status, 202);
      const all = await api.get(`${BASE}/idem/events`);
      assert.deepEqual(
        all.body.items.map((e: SseEvent) => e.reason),
        ['CreateRequested', 'StopRequested', 'StartRequested'],
      );
      const page = await api.get(`${BASE}/idem/events?limit=2`);
      assert.equal(page.body.items.length, 2);
      const next = await api.get(`${BASE}/idem/events?continue=${page.body.metadata.continue}`);
      assert.deepEqual(
        next.body.items.map((e: SseEvent) => e.reason),
        ['StartRequested'],
      );
      const since = await api.get(`${BASE}/idem/events?since=${all.body.items[0].id}`);
      assert.equal(since.body.items.length, 2);
    });

    test('SSE replays history, follows live events and resumes after Last-Event-ID', async () => {
      const streamUrl = `${url}${BASE}/idem/events`;
      const live = readEvents(streamUrl, t.adminSecret, 4);
      await new Promise((r) => setTimeout(r, 150));
      await setPhase(t.store, 'default', 'idem', 'Running');
      assert.equal(
        (await api.post(`${BASE}/idem:upgrade`, { version: '1.34' }, { 'idempotency-key': 'up' }))
          .status,
        400,
      );
      assert.equal((await api.post(`${BASE}/idem:stop`)).status, 202);
      const { events, contentType } = await live;
      assert.match(contentType, /^text\/event-stream/);
      assert.deepEqual(
        events.map((e) => e.reason),
        ['CreateRequested', 'StopRequested', 'StartRequested', 'StopRequested'],
      );
      const resumed = await readEvents(streamUrl, t.adminSecret, 2, {
        'last-event-id': String(events[1]!.id),
      });
      assert.deepEqual(
        resumed.events.map((e) => e.id),
        [events[2]!.id, events[3]!.id],
      );
    });

    test('a stream on a deleted cluster ends; a bad Last-Event-ID is a 400', async () => {
      const bad = await api.get(`${BASE}/idem/events`, {
        accept: 'text/event-stream',
        'last-event-id': 'abc',
      });
      assert.deepEqual(problemOf(bad), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'Last-Event-ID',
      });
      assert.deepEqual(
        problemOf(await api.get(`${BASE}/ghost/events`, { accept: 'text/event-stream' })),
        { status: 404, code: 'BERTH_ERR_CLUSTER_NOT_FOUND' },
      );
      assert.equal((await api.post(BASE, { metadata: { name: 'gone' } })).status, 202);
      const ended = new Promise<string>((resolve, reject) => {
        const headers = { authorization: `Bearer ${t.adminSecret}`, accept: 'text/event-stream' };
        http
          .get(`${url}${BASE}/gone/events`, { headers }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      await new Promise((r) => setTimeout(r, 100));
      await api.delete(`${BASE}/gone`);
      await t.store.clusters.removeFinalizer(
        { project: 'default', name: 'gone' },
        'berth.dev/infrastructure',
      );
      assert.match(await ended, /event: end\ndata: \{"reason":"ClusterDeleted"\}/);
    });
  });
}
