import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '@berth/store';
import type { KubeconfigSource } from './deps.js';
import { client, problemOf, setPhase, testApp, type TestApp } from './testing/app.js';

const KUBECONFIG =
  'apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user: {client-key-data: S3CR3T-KEY-MATERIAL}\n';

/** Serves a kubeconfig once a cluster is Running: a stand-in for the controllers' source. */
const kubeconfigs: KubeconfigSource = {
  adminKubeconfig: async (cluster) => (cluster.status.phase === 'Running' ? KUBECONFIG : undefined),
};

describe('logs, metrics and controller-fed views', () => {
  let store: Store;
  let t: TestApp;

  before(async () => {
    store = await openStore({ sqliteFile: ':memory:' });
    t = await testApp(store, { kubeconfigs });
  });
  after(async () => {
    await t.app.close();
    await store.close();
  });

  test('no token, secret or kubeconfig ever reaches the log', async () => {
    const admin = client(t.app, t.adminSecret);
    const created = await admin.post('/v1/projects/default/tokens', { name: 'ci', role: 'member' });
    const member = client(t.app, created.body.secret);
    await member.post('/v1/projects/default/clusters', { metadata: { name: 'logged' } });
    await client(t.app, `${created.body.secret}x`).get('/v1/projects/default/clusters');
    await member.get('/v1/projects/default/clusters/logged/kubeconfig');
    await setPhase(store, 'default', 'logged', 'Running');
    const kube = await member.get('/v1/projects/default/clusters/logged/kubeconfig');
    assert.equal(kube.status, 200);
    assert.match(String(kube.headers['content-type']), /^application\/yaml/);
    assert.equal(kube.text, KUBECONFIG);
    t.app.log.info(
      {
        token: created.body.secret,
        headers: { authorization: `Bearer ${t.adminSecret}` },
        kubeconfig: KUBECONFIG,
      },
      'careless line',
    );
    const logs = t.logs();
    assert.ok(
      logs.includes('"route":"/v1/projects/:project/clusters"'),
      'access lines carry the route pattern',
    );
    for (const secret of [t.adminSecret, created.body.secret, 'S3CR3T-KEY-MATERIAL']) {
      assert.ok(!logs.includes(secret), `log contains ${secret.slice(0, 8)}…`);
    }
  });

  test('a kubeconfig is 409 until the cluster is ready, naming the phase', async () => {
    const admin = client(t.app, t.adminSecret);
    await admin.post('/v1/projects/default/clusters', { metadata: { name: 'young' } });
    const reply = await admin.get('/v1/projects/default/clusters/young/kubeconfig');
    assert.deepEqual(problemOf(reply), { status: 409, code: 'BERTH_ERR_INVALID_STATE' });
    assert.match(reply.body.detail, /Provisioning/);
  });

  test('/metrics exposes request durations by route and clusters by phase', async () => {
    const text = (await client(t.app, undefined).get('/metrics')).text;
    assert.match(
      text,
      /berth_http_request_duration_seconds_count\{route="\/v1\/projects\/:project\/clusters",method="POST",status="202"\} 2/,
    );
    assert.match(text, /berth_clusters\{phase="Running"\} 1/);
    assert.match(text, /berth_clusters\{phase="Provisioning"\} 1/);
  });
});
