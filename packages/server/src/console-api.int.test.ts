/**
 * What the web console needs from the API, through HTTP on both store backends: who a token is
 * (`/v1/whoami`), the live cluster list (watch stream) and per-cluster metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { INFRASTRUCTURE_FINALIZER } from '@berth/api-types';
import { storeBackends } from '@berth/store/testing';
import { ClusterActivity } from './cluster-activity.js';
import { client, problemOf, setPhase, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';

interface WatchMessage {
  id: number;
  type: 'upsert' | 'delete';
  name: string;
  phase?: string;
}

/** Opens the watch stream and collects messages until `done` says so (or fails after `ms`). */
function watch(
  url: string,
  secret: string,
  headers: Record<string, string>,
  done: (seen: WatchMessage[]) => boolean,
  ms = 5000,
): { result: Promise<WatchMessage[]>; opened: Promise<void> } {
  let onOpen: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (onOpen = resolve));
  const result = new Promise<WatchMessage[]>((resolve, reject) => {
    const seen: WatchMessage[] = [];
    const req = http.get(
      url,
      { headers: { authorization: `Bearer ${secret}`, accept: 'text/event-stream', ...headers } },
      (res) => {
        assert.match(String(res.headers['content-type']), /^text\/event-stream/);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          if (buffer.includes(': connected')) onOpen();
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(frame);
            const data = /^data: (.*)$/m.exec(frame);
            if (!id || !data) continue;
            const body = JSON.parse(data[1]!) as {
              type: 'upsert' | 'delete';
              name?: string;
              cluster?: { metadata: { name: string }; status: { phase: string } };
            };
            seen.push({
              id: Number(id[1]),
              type: body.type,
              name: body.cluster?.metadata.name ?? body.name ?? '',
              ...(body.cluster ? { phase: body.cluster.status.phase } : {}),
            });
            if (done(seen)) {
              clearTimeout(timer);
              req.destroy();
              resolve(seen);
            }
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`watch saw only ${JSON.stringify(seen)} within ${ms} ms`));
    }, ms);
    req.on('error', (err) => reject(err));
  });
  return { result, opened };
}

for (const backend of storeBackends()) {
  describe(`console API on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;
    let url: string;
    const activity = new ClusterActivity({ stepMs: 1000 });

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open(), { activity });
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

    test('whoami names the token, its project and role; never its secret', async () => {
      const admin = await api.get('/v1/whoami');
      assert.equal(admin.status, 200);
      assert.deepEqual(
        { name: admin.body.name, project: admin.body.project, role: admin.body.role },
        { name: 'test-admin', project: null, role: 'admin' },
      );
      const created = await api.post('/v1/projects/default/tokens', { name: 'ro', role: 'viewer' });
      const viewer = await client(t.app, created.body.secret).get('/v1/whoami');
      assert.deepEqual(viewer.body, {
        id: created.body.id,
        kind: 'token',
        name: 'ro',
        project: 'default',
        role: 'viewer',
      });
      assert.ok(!viewer.text.includes(created.body.secret));
      assert.deepEqual(problemOf(await client(t.app, undefined).get('/v1/whoami')), {
        status: 401,
        code: 'BERTH_ERR_UNAUTHENTICATED',
      });
    });

    test('list + watch from the list version sees every later change, latest state first', async () => {
      assert.equal((await api.post(BASE, { metadata: { name: 'w-one' } })).status, 202);
      const list = await api.get(BASE);
      const version = list.body.metadata.resourceVersion as string;
      assert.match(version, /^\d+$/);
      const stream = watch(`${url}${BASE}`, t.adminSecret, { 'last-event-id': version }, (seen) =>
        seen.some((m) => m.type === 'delete' && m.name === 'w-two'),
      );
      await stream.opened;
      await setPhase(t.store, 'default', 'w-one', 'Running');
      assert.equal((await api.post(BASE, { metadata: { name: 'w-two' } })).status, 202);
      const two = { project: 'default', name: 'w-two' };
      await t.store.clusters.requestDeletion(two);
      await t.store.clusters.removeFinalizer(two, INFRASTRUCTURE_FINALIZER);
      const seen = await stream.result;
      const ids = seen.map((m) => m.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
        'versions only grow',
      );
      assert.ok(
        ids.every((id) => id > Number(version)),
        'nothing from before the list',
      );
      assert.ok(seen.some((m) => m.name === 'w-one' && m.phase === 'Running'));
      // w-two may have come and gone within one poll: its last message says it is gone.
      assert.equal(seen.filter((m) => m.name === 'w-two').at(-1)?.type, 'delete');
    });

    test('a watch without Last-Event-ID starts now; a bad one is a 400 on the header', async () => {
      await api.post(BASE, { metadata: { name: 'w-old' } });
      const stream = watch(`${url}${BASE}`, t.adminSecret, {}, (seen) => seen.length > 0);
      await stream.opened;
      await setPhase(t.store, 'default', 'w-old', 'Stopped');
      const seen = await stream.result;
      assert.deepEqual(
        seen.map((m) => [m.name, m.phase]),
        [['w-old', 'Stopped']],
      );
      const bad = await api.get(BASE, { accept: 'text/event-stream', 'last-event-id': 'x' });
      assert.deepEqual(problemOf(bad), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'Last-Event-ID',
      });
    });

    test("cluster metrics count the API's requests on that cluster only", async () => {
      await api.post(BASE, { metadata: { name: 'm-one' } });
      await api.post(BASE, { metadata: { name: 'm-two' } });
      for (let i = 0; i < 3; i++) await api.get(`${BASE}/m-one`);
      activity.recordReconcile('default', 'm-one', 'error', 0.5);
      const one = await api.get(`${BASE}/m-one/metrics`);
      assert.equal(one.status, 200);
      const sum = (k: string) =>
        one.body.samples.reduce((n: number, s: Record<string, number>) => n + s[k]!, 0);
      assert.equal(sum('requests'), 3, 'the three reads (the metrics read itself ends later)');
      assert.equal(sum('reconciles'), 1);
      assert.equal(sum('reconcileErrors'), 1);
      assert.equal(one.body.stepSeconds, 1);
      const two = await api.get(`${BASE}/m-two/metrics`);
      assert.deepEqual(two.body.samples, []);
      assert.deepEqual(problemOf(await api.get(`${BASE}/nope/metrics`)), {
        status: 404,
        code: 'BERTH_ERR_CLUSTER_NOT_FOUND',
      });
    });
  });
}
