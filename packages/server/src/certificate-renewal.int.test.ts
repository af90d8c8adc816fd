/**
 * `POST …/clusters/{c}:renew-certificates`: who may, from which phase, with which body, and what
 * it records — the raised renewal serial the controllers act on and a ClusterRenewCertificates
 * operation. The rolling itself is the controllers' (kube-bootstrap's certificate-renewal test,
 * and the e2e on a real cluster).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, setPhase, testApp, type TestApp } from './testing/app.js';

const HA = {
  metadata: { name: 'ha' },
  spec: { controlPlane: { count: 3 }, nodeGroups: [{ name: 'a', count: 1 }] },
};
const SINGLE = { metadata: { name: 'single' }, spec: { nodeGroups: [{ name: 'a', count: 1 }] } };
const renew = (name: string) => `/v1/projects/default/clusters/${name}:renew-certificates`;

describe('certificate renewal action', () => {
  const backend = storeBackends()[0]!;
  let t: TestApp;
  let plain: TestApp;
  let withPki = true;
  before(async () => {
    await backend.setUp();
    const store = await backend.open();
    t = await testApp(store, {
      certificates: { certificates: async () => (withPki ? [] : undefined) },
    });
    const admin = client(t.app, t.adminSecret);
    assert.equal((await admin.post('/v1/projects/default/clusters', HA)).status, 202);
    assert.equal((await admin.post('/v1/projects/default/clusters', SINGLE)).status, 202);
    // The same store without a PKI source (the memory provider, or no controllers).
    plain = await testApp(store);
  });
  after(async () => {
    await t?.app.close();
    await plain?.app.close();
    await t?.store.close();
    await backend.tearDown();
  });

  test('a member renews a Running HA cluster: 202, an operation, the serial raised', async () => {
    const admin = client(t.app, t.adminSecret);
    const viewer = client(
      t.app,
      (await admin.post('/v1/projects/default/tokens', { name: 'v', role: 'viewer' })).body.secret,
    );
    await setPhase(t.store, 'default', 'ha', 'Running');
    assert.equal((await viewer.post(renew('ha'), {})).status, 403);
    const first = await admin.post(renew('ha'), { onlyExpiringWithinDays: 30 });
    assert.equal(first.status, 202, first.text);
    assert.equal(first.body.operation.kind, 'ClusterRenewCertificates');
    assert.equal(first.body.cluster.status.phase, 'Reconciling');
    const renewal = first.body.cluster.spec.certificateRenewal;
    assert.equal(renewal.serial, 1);
    assert.equal(renewal.onlyExpiringWithinDays, 30);
    assert.ok(Math.abs(Date.parse(renewal.requestedAt) - Date.now()) < 60_000);
    // Until the controllers bring it back to Running, another renewal waits.
    assert.deepEqual(problemOf(await admin.post(renew('ha'), {})), {
      status: 409,
      code: 'BERTH_ERR_INVALID_STATE',
    });
    await setPhase(t.store, 'default', 'ha', 'Running');
    const second = await admin.post(renew('ha'), {});
    assert.equal(second.status, 202, second.text);
    assert.deepEqual(second.body.cluster.spec.certificateRenewal.serial, 2);
    assert.equal(second.body.cluster.spec.certificateRenewal.onlyExpiringWithinDays, undefined);
    const events = await admin.get('/v1/projects/default/clusters/ha/events');
    assert.match(events.text, /Renewal of the control-plane certificates expiring within 30 days/);
  });

  test('bad input is 400 naming the field; PATCH cannot set the renewal', async () => {
    const admin = client(t.app, t.adminSecret);
    await setPhase(t.store, 'default', 'ha', 'Running');
    for (const body of [
      { onlyExpiringWithinDays: 0 },
      { onlyExpiringWithinDays: 4000 },
      { onlyExpiringWithinDays: 'soon' },
      { onlyExpiringWithinDays: 1.5 },
    ]) {
      const reply = await admin.post(renew('ha'), body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.body.code, 'BERTH_ERR_VALIDATION');
      assert.match(reply.body.field, /onlyExpiringWithinDays/);
    }
    assert.equal((await admin.post(renew('ha'))).status, 400, 'a body is required ({} will do)');
    const unknown = await admin.post(renew('ha'), { days: 3 });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.field ?? unknown.body.detail, /days/);
    const patched = await admin.patch('/v1/projects/default/clusters/ha', {
      spec: { certificateRenewal: { serial: 9, requestedAt: new Date().toISOString() } },
    });
    assert.deepEqual(problemOf(patched), {
      status: 400,
      code: 'BERTH_ERR_VALIDATION',
      field: 'spec.certificateRenewal',
    });
  });

  test('Stopped is 409 and no PKI is refused clearly; one master is accepted', async () => {
    const admin = client(t.app, t.adminSecret);
    await setPhase(t.store, 'default', 'ha', 'Stopped');
    const stopped = await admin.post(renew('ha'), {});
    assert.deepEqual(problemOf(stopped), { status: 409, code: 'BERTH_ERR_INVALID_STATE' });
    assert.match(
      stopped.body.detail,
      /is Stopped; renew-certificates is possible only when it is Running/,
    );
    await setPhase(t.store, 'default', 'single', 'Running');
    // A lone master is rebuilt in place with its new certificates (see masters.ts).
    const single = await admin.post(renew('single'), {});
    assert.equal(single.status, 202, JSON.stringify(single.body));
    withPki = false;
    await setPhase(t.store, 'default', 'ha', 'Running');
    assert.deepEqual(problemOf(await admin.post(renew('ha'), {})), {
      status: 409,
      code: 'BERTH_ERR_INVALID_STATE',
    });
    withPki = true;
    const memory = client(plain.app, plain.adminSecret);
    assert.deepEqual(problemOf(await memory.post(renew('ha'), {})), {
      status: 501,
      code: 'BERTH_ERR_NOT_IMPLEMENTED',
    });
    assert.equal((await admin.post(renew('nope'), {})).status, 404);
  });
});
