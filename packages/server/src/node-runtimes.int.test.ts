/**
 * A server that cannot run real nodes (the local provider without the platform registry)
 * refuses `runtime: containerd` — the default — with 503 naming the field and creating
 * nothing, while simulated node groups pass; one that can accepts both.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';
const backend = storeBackends()[0]!;
let t: TestApp;
let api: Client;

before(async () => {
  await backend.setUp();
  t = await testApp(await backend.open(), {
    runtimes: { containerdUnavailable: 'the platform registry does not run' },
  });
  api = client(t.app, t.adminSecret);
});
after(async () => {
  try {
    await t?.app.close();
    await t?.store.close();
  } finally {
    await backend.tearDown();
  }
});

test('real nodes are refused with 503 naming the field; nothing is created', async () => {
  const refused = await api.post(BASE, {
    metadata: { name: 'real' },
    spec: { nodeGroups: [{ name: 'sim', runtime: 'simulated' }, { name: 'default' }] },
  });
  assert.deepEqual(problemOf(refused), {
    status: 503,
    code: 'BERTH_ERR_UNAVAILABLE',
    field: 'spec.nodeGroups[1].runtime',
  });
  assert.match(refused.body.detail, /platform registry does not run.*simulated/);
  assert.equal((await api.get(`${BASE}/real`)).status, 404);
});

test('simulated node groups pass, and a real one added later is refused', async () => {
  const created = await api.post(BASE, {
    metadata: { name: 'sim' },
    spec: { nodeGroups: [{ name: 'default', runtime: 'simulated' }] },
  });
  assert.equal(created.status, 202, created.text);
  const group = await api.post(`${BASE}/sim/nodegroups`, { metadata: { name: 'real' } });
  assert.deepEqual(problemOf(group), {
    status: 503,
    code: 'BERTH_ERR_UNAVAILABLE',
    field: 'spec.runtime',
  });
  const view = await api.get(`${BASE}/sim/nodegroups/default`);
  assert.equal(view.body.spec.runtime, 'simulated');
});

test('a server that runs real nodes accepts the default', async (tt) => {
  const other = await testApp(t.store);
  tt.after(() => other.app.close());
  const created = await client(other.app, other.adminSecret).post(BASE, {
    metadata: { name: 'fine' },
  });
  assert.equal(created.status, 202, created.text);
  assert.equal(created.body.cluster.spec.nodeGroups[0].runtime, 'containerd');
});
