/** `berth login --ca-file` against `berth server --tls`: the CA is recorded and verified. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger, startServer } from '@berth/server';
import { readConfig } from '../lib/config-file.js';
import { runCli } from '../lib/testing/fake-api.js';

const SECRET = 'berth_cli-tls-admin-secret-0123456789';

test('login --ca-file records the API CA; later commands verify the server with it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-tls-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = await startServer({
    listen: '127.0.0.1:0',
    dataDir: path.join(dir, 'data'),
    logger: createLogger({ level: 'silent' }),
    adminToken: SECRET,
    tls: 'auto',
  });
  t.after(() => server.stop());
  const config = path.join(dir, 'cli.yaml');
  const env = { BERTH_CONFIG: config };

  const untrusted = await runCli(['login', '--endpoint', server.url, '--token', SECRET], { env });
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /cannot reach the Berth API/);

  const caFile = path.join(dir, 'data', 'api-ca.crt');
  const login = await runCli(
    ['login', '--endpoint', server.url, '--token', SECRET, '--ca-file', caFile],
    { env },
  );
  assert.equal(login.code, 0, login.stderr);
  assert.equal((await readConfig(config)).caCertificate, fs.readFileSync(caFile, 'utf8'));
  const list = await runCli(['project', 'list', '-o', 'json'], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /"default"/);
});
