/**
 * Berth's API over HTTPS: by default (`tls` unset, `auto`) Berth's API CA is made on the first
 * start (sealed in the store, written to <data-dir>/api-ca.crt) and kept across restarts; a
 * client that trusts it connects, one that does not is refused; the handshake offers the CA
 * after the serving certificate; plain HTTP needs `insecureHttp` and loopback; an operator's
 * certificate and key files are served as given.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import tls from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { createCertificateAuthority, issueCertificate } from '@berth/kube-bootstrap';
import { API_CA_FILE, certificateFingerprint } from './api-tls.js';
import { createLogger } from './logger.js';
import { startServer } from './start-server.js';

const logger = createLogger({ level: 'silent' });
const SECRET = 'berth_tls-test-admin-secret-0123456789';

async function whoami(url: string, caPem: string): Promise<number> {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  try {
    const res = await undiciFetch(`${url}/v1/whoami`, {
      headers: { authorization: `Bearer ${SECRET}` },
      dispatcher,
    });
    await res.text();
    return res.status;
  } finally {
    await dispatcher.close();
  }
}

/** The certificates the server sends in its handshake, leaf first, as PEM. */
function offeredChain(url: string): Promise<string[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const pems: string[] = [];
      for (let c = socket.getPeerCertificate(true); c?.raw; c = c.issuerCertificate) {
        pems.push(
          `-----BEGIN CERTIFICATE-----\n${c.raw.toString('base64')}\n-----END CERTIFICATE-----\n`,
        );
        if (c.issuerCertificate === c) break;
      }
      socket.end();
      resolve(pems);
    });
  });
}

test("by default Berth's API CA serves HTTPS, offers itself in the handshake, the same after a restart", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = {
    listen: '127.0.0.1:0',
    dataDir: dir,
    logger,
    adminToken: SECRET,
  };
  const first = await startServer(options);
  let caPem: string;
  try {
    assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    caPem = fs.readFileSync(path.join(dir, API_CA_FILE), 'utf8');
    assert.equal(first.caCertificate, caPem);
    assert.deepEqual(first.caFile, {
      path: path.join(dir, API_CA_FILE),
      fingerprint: certificateFingerprint(caPem),
    });
    assert.match(first.caFile.fingerprint, /^sha256:[0-9a-f]{64}$/);
    const chain = await offeredChain(first.url);
    assert.equal(chain.length, 2, 'the serving certificate and the CA');
    assert.equal(certificateFingerprint(chain[1]!), first.caFile.fingerprint);
    assert.equal(await whoami(first.url, caPem), 200);
    // Not trusted by default: no silent fallback to an unverified connection.
    await assert.rejects(fetch(`${first.url}/v1/whoami`), /fetch failed/);
    const other = await createCertificateAuthority({ commonName: 'someone-else' });
    await assert.rejects(whoami(first.url, other.certPem), /fetch failed/);
  } finally {
    await first.stop();
  }
  const second = await startServer(options);
  try {
    assert.equal(await whoami(second.url, caPem), 200, 'the CA is kept');
  } finally {
    await second.stop();
  }
});

test('plain HTTP only when asked for and only on loopback; operator certificates are served', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(
    startServer({ listen: '0.0.0.0:0', dataDir: dir, logger, insecureHttp: true }),
    { code: 'BERTH_ERR_VALIDATION', field: 'listen' },
  );
  await assert.rejects(
    startServer({ listen: '127.0.0.1:0', dataDir: dir, logger, insecureHttp: true, tls: 'auto' }),
    { code: 'BERTH_ERR_VALIDATION', field: 'insecure-http' },
  );
  const plain = await startServer({
    listen: '127.0.0.1:0',
    dataDir: dir,
    logger,
    adminToken: SECRET,
    env: { BERTH_INSECURE_HTTP: 'true' },
  });
  try {
    assert.match(plain.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(plain.caFile, undefined);
    const res = await fetch(`${plain.url}/v1/whoami`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    assert.equal(res.status, 200);
  } finally {
    await plain.stop();
  }
  const ca = await createCertificateAuthority({ commonName: 'operator-ca' });
  const cert = await issueCertificate({
    ca,
    commonName: 'berth.example',
    usage: 'server',
    ipAddresses: ['127.0.0.1'],
  });
  fs.writeFileSync(path.join(dir, 'tls.crt'), cert.certPem);
  fs.writeFileSync(path.join(dir, 'tls.key'), cert.keyPem, { mode: 0o600 });
  const server = await startServer({
    listen: '127.0.0.1:0',
    dataDir: dir,
    logger,
    adminToken: SECRET,
    tls: { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') },
  });
  try {
    assert.equal(await whoami(server.url, ca.certPem), 200);
    assert.equal(server.caCertificate, undefined);
  } finally {
    await server.stop();
  }
});
