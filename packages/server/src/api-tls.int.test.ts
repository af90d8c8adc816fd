/**
 * Berth's API over HTTPS: `tls: 'auto'` makes Berth's API CA on the first start (sealed in the
 * store, written to <data-dir>/api-ca.crt) and keeps it across restarts; a client that trusts it
 * connects, one that does not is refused; plain HTTP off loopback needs `insecureHttp`; an
 * operator's certificate and key files are served as given.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { createCertificateAuthority, issueCertificate } from '@berth/kube-bootstrap';
import { API_CA_FILE } from './api-tls.js';
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

test("tls: 'auto' serves HTTPS from Berth's API CA, the same CA after a restart", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = {
    listen: '127.0.0.1:0',
    dataDir: dir,
    logger,
    adminToken: SECRET,
    tls: 'auto' as const,
  };
  const first = await startServer(options);
  let caPem: string;
  try {
    assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    caPem = fs.readFileSync(path.join(dir, API_CA_FILE), 'utf8');
    assert.equal(first.caCertificate, caPem);
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

test('plain HTTP off loopback is refused unless asked for; operator certificates are served', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(startServer({ listen: '0.0.0.0:0', dataDir: dir, logger }), {
    code: 'BERTH_ERR_VALIDATION',
    field: 'listen',
  });
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
