/**
 * Clusters' audit events: the webhook sink (per-cluster token, unknown clusters, repeats) and
 * `GET …/clusters/{c}/audit` for the project's admins.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { storeBackends } from '@berth/store/testing';
import { auditWebhookToken, receiveAuditEvents } from './cluster-audit-sink.js';
import { client, testApp, type TestApp } from './testing/app.js';

const CLUSTER = { metadata: { name: 'web' }, spec: { nodeGroups: [{ name: 'a', count: 1 }] } };
const KEY = randomBytes(32);

const event = (id: string, username: string, stage = 'ResponseComplete') => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: id,
  stage,
  requestURI: '/apis/apps/v1/namespaces/team-a/deployments',
  verb: 'create',
  user: { username, groups: ['devs', 'system:authenticated'] },
  sourceIPs: ['10.0.0.9'],
  objectRef: { resource: 'deployments', namespace: 'team-a', name: 'hello', apiGroup: 'apps' },
  responseStatus: { metadata: {}, code: 201 },
  requestObject: { secret: 'never kept' },
  requestReceivedTimestamp: new Date().toISOString(),
  stageTimestamp: new Date().toISOString(),
});

for (const backend of storeBackends()) {
  describe(`cluster audit events on ${backend.name}`, () => {
    let t: TestApp;
    let uid: string;
    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      const admin = client(t.app, t.adminSecret);
      assert.equal((await admin.post('/v1/projects/default/clusters', CLUSTER)).status, 202);
      uid = (await t.store.clusters.require({ project: 'default', name: 'web' })).metadata.uid;
    });
    after(async () => {
      await t?.app.close();
      await t?.store.close();
      await backend.tearDown();
    });

    const deliver = (pathname: string, token: string, items: unknown[]) =>
      receiveAuditEvents(t.store, KEY, {
        pathname,
        authorization: `Bearer ${token}`,
        body: JSON.stringify({ kind: 'EventList', items }),
      });

    test('only the cluster with its own token delivers; repeats are kept once', async () => {
      const batch = [
        event('a1', 'alice'),
        event('a1', 'alice', 'RequestReceived'),
        event('a2', 'bob'),
      ];
      assert.equal(await deliver(`/audit/${uid}`, 'wrong', batch), 401);
      assert.equal(await deliver(`/audit/${uid}`, auditWebhookToken(KEY, 'other'), batch), 401);
      assert.equal(
        await deliver('/audit/unknown-uid', auditWebhookToken(KEY, 'unknown-uid'), batch),
        404,
      );
      assert.equal(await deliver(`/audit/${uid}`, auditWebhookToken(KEY, uid), batch), 200);
      assert.equal(await deliver(`/audit/${uid}`, auditWebhookToken(KEY, uid), batch), 200);
      const stored = await t.store.clusterAudit.list(uid, 10);
      assert.deepEqual(stored.map((e) => e.auditId).sort(), [
        'a1/ResponseComplete',
        'a2/ResponseComplete',
      ]);
      assert.doesNotMatch(JSON.stringify(stored), /never kept/);
    });

    test("the project's admins read them; viewers and other projects do not", async () => {
      const admin = client(t.app, t.adminSecret);
      const reply = await admin.get('/v1/projects/default/clusters/web/audit?limit=5');
      assert.equal(reply.status, 200, reply.text);
      const alice = reply.body.items.find(
        (e: { user: { username: string } }) => e.user.username === 'alice',
      );
      assert.deepEqual(alice.user.groups, ['devs', 'system:authenticated']);
      assert.equal(alice.objectRef.resource, 'deployments');
      assert.equal(alice.code, 201);
      const viewer = client(
        t.app,
        (await admin.post('/v1/projects/default/tokens', { name: 'v', role: 'viewer' })).body
          .secret,
      );
      assert.equal((await viewer.get('/v1/projects/default/clusters/web/audit')).status, 403);
      await admin.post('/v1/projects', { metadata: { name: 'elsewhere' } });
      const stranger = client(
        t.app,
        (await admin.post('/v1/projects/elsewhere/tokens', { name: 's', role: 'admin' })).body
          .secret,
      );
      assert.equal((await stranger.get('/v1/projects/default/clusters/web/audit')).status, 404);
      assert.equal(
        (await admin.get('/v1/projects/default/clusters/web/audit?limit=0')).status,
        400,
      );
    });
  });
}
