/** `GET …/clusters/{c}/certificates`: validity of the control-plane certificates, by role. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { certificateInventory, createCertificateAuthority } from '@berth/kube-bootstrap';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type TestApp } from './testing/app.js';

const CLUSTER = { metadata: { name: 'web' }, spec: { nodeGroups: [{ name: 'a', count: 1 }] } };

describe('cluster certificates', () => {
  const backend = storeBackends()[0]!;
  let t: TestApp;
  let withPki = true;
  before(async () => {
    await backend.setUp();
    const ca = await createCertificateAuthority({ commonName: 'kubernetes' });
    const etcdCa = await createCertificateAuthority({ commonName: 'etcd-ca' });
    const frontProxyCa = await createCertificateAuthority({ commonName: 'front-proxy-ca' });
    const inventory = certificateInventory({
      authorities: {
        ca,
        etcdCa,
        frontProxyCa,
        serviceAccount: { privateKeyPem: '', publicKeyPem: '' },
      },
      masters: [],
    });
    t = await testApp(await backend.open(), {
      certificates: { certificates: async () => (withPki ? inventory : undefined) },
    });
    const admin = client(t.app, t.adminSecret);
    assert.equal((await admin.post('/v1/projects/default/clusters', CLUSTER)).status, 202);
    assert.equal((await admin.post('/v1/projects', { metadata: { name: 'other' } })).status, 201);
  });
  after(async () => {
    await t?.app.close();
    await t?.store.close();
    await backend.tearDown();
  });

  test('a viewer reads names, kinds and expiry dates; another project sees nothing', async () => {
    const admin = client(t.app, t.adminSecret);
    const viewer = client(
      t.app,
      (await admin.post('/v1/projects/default/tokens', { name: 'v', role: 'viewer' })).body.secret,
    );
    const reply = await viewer.get('/v1/projects/default/clusters/web/certificates');
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(
      reply.body.items.map((c: { name: string; kind: string }) => [c.name, c.kind]),
      [
        ['ca', 'authority'],
        ['etcd-ca', 'authority'],
        ['front-proxy-ca', 'authority'],
      ],
    );
    assert.ok(Date.parse(reply.body.items[0].notAfter) > Date.now() + 9 * 365 * 86_400_000);
    assert.doesNotMatch(reply.text, /PRIVATE KEY|BEGIN CERTIFICATE/);
    const stranger = client(
      t.app,
      (await admin.post('/v1/projects/other/tokens', { name: 's', role: 'admin' })).body.secret,
    );
    assert.equal(
      (await stranger.get('/v1/projects/default/clusters/web/certificates')).status,
      404,
    );
    withPki = false;
    assert.deepEqual(
      problemOf(await viewer.get('/v1/projects/default/clusters/web/certificates')),
      {
        status: 409,
        code: 'BERTH_ERR_INVALID_STATE',
      },
    );
  });
});
