import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
} from 'node:crypto';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { BerthError } from '@berth/errors';
import {
  createCertificateAuthority,
  createServiceAccountKeyPair,
  issueCertificate,
} from './pki.js';

const now = new Date('2026-06-01T00:00:00Z');

test('a CA is self-signed, marked CA, valid for ten years by default', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes', now });
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.subject, 'CN=kubernetes');
  assert.equal(cert.ca, true);
  assert.ok(cert.verify(cert.publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  const years = (Date.parse(cert.validTo) - now.getTime()) / (365 * 24 * 3600 * 1000);
  assert.ok(years > 9.9 && years < 10.1, `valid ${years} years`);
});

test('a serving certificate carries its SANs and chains to the CA', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes', now });
  const server = await issueCertificate({
    ca,
    commonName: 'kube-apiserver',
    usage: 'server',
    dnsNames: ['kubernetes', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1', '10.254.0.1'],
    now,
  });
  const cert = new X509Certificate(server.certPem);
  const caCert = new X509Certificate(ca.certPem);
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.equal(cert.ca, false);
  assert.equal(cert.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
  assert.equal(cert.checkIP('10.254.0.1'), '10.254.0.1');
  assert.equal(cert.checkIP('10.254.0.2'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(cert.checkPrivateKey(createPrivateKey(server.keyPem)));
  assert.notEqual(cert.serialNumber, new X509Certificate(ca.certPem).serialNumber);
});

test('a client certificate names its user and groups; peer certificates do both', async () => {
  const ca = await createCertificateAuthority({ commonName: 'kubernetes', now });
  const admin = await issueCertificate({
    ca,
    commonName: 'kubernetes-admin',
    organizations: ['system:masters'],
    usage: 'client',
    now,
  });
  const cert = new X509Certificate(admin.certPem);
  assert.equal(cert.subject, 'CN=kubernetes-admin\nO=system:masters');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const peer = await issueCertificate({
    ca,
    commonName: 'etcd-0',
    usage: 'peer',
    ipAddresses: ['10.0.0.5'],
    now,
  });
  assert.deepEqual(new X509Certificate(peer.certPem).keyUsage?.sort(), [
    '1.3.6.1.5.5.7.3.1',
    '1.3.6.1.5.5.7.3.2',
  ]);
});

test('serving certificates without SANs or with a bad IP are refused', async () => {
  const ca = await createCertificateAuthority({ commonName: 'etcd-ca', now });
  await assert.rejects(
    issueCertificate({ ca, commonName: 'etcd', usage: 'server' }),
    (err: unknown) => err instanceof BerthError && err.field === 'dnsNames',
  );
  await assert.rejects(
    issueCertificate({ ca, commonName: 'etcd', usage: 'server', ipAddresses: ['10.0.0.300'] }),
    (err: unknown) => err instanceof BerthError && err.field === 'ipAddresses',
  );
});

test('mutual TLS works end to end with the issued certificates', async (t) => {
  const ca = await createCertificateAuthority({ commonName: 'test-ca' });
  const server = await issueCertificate({
    ca,
    commonName: 'srv',
    usage: 'server',
    ipAddresses: ['127.0.0.1'],
  });
  const client = await issueCertificate({
    ca,
    commonName: 'alice',
    organizations: ['devs'],
    usage: 'client',
  });
  const tls = createServer(
    {
      cert: server.certPem,
      key: server.keyPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket: TLSSocket) => socket.end(`hello ${socket.getPeerCertificate().subject.CN}`),
  );
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => tls.close(() => resolve())));
  const port = (tls.address() as AddressInfo).port;
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: ca.certPem,
      cert: client.certPem,
      key: client.keyPem,
    });
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  assert.equal(reply, 'hello alice');
});

test('service-account keys are an RSA pair that signs and verifies', async () => {
  const pair = await createServiceAccountKeyPair();
  const key = createPrivateKey(pair.privateKeyPem);
  assert.equal(key.asymmetricKeyType, 'rsa');
  assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
  const signature = createSign('sha256').update('token').sign(key);
  assert.ok(
    createVerify('sha256').update('token').verify(createPublicKey(pair.publicKeyPem), signature),
  );
});
