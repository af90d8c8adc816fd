/**
 * `berth login` against `berth server` (HTTPS by default): `--ca-file` records the CA; without
 * it the CA the server offers is pinned only with a matching `--ca-fingerprint` or a yes at a
 * terminal, and later commands verify the server with what was recorded.
 */
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
  });
  t.after(() => server.stop());
  const config = path.join(dir, 'cli.yaml');
  const env = { BERTH_CONFIG: config };

  const untrusted = await runCli(['login', '--endpoint', server.url, '--token', SECRET], { env });
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /not trusted/);

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

test('login pins the CA the server offers only with a matching --ca-fingerprint or a yes on a terminal', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-tofu-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = await startServer({
    listen: '127.0.0.1:0',
    dataDir: path.join(dir, 'data'),
    logger: createLogger({ level: 'silent' }),
    adminToken: SECRET,
  });
  t.after(() => server.stop());
  const fingerprint = server.caFile!.fingerprint;
  const caPem = fs.readFileSync(server.caFile!.path, 'utf8').trimEnd();
  const config = path.join(dir, 'cli.yaml');
  const env = { BERTH_CONFIG: config };
  const login = (extra: string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(['login', '--endpoint', server.url, '--token', SECRET, ...extra], { env, ...options });

  // No terminal, no fingerprint: the error shows the fingerprint to check and saves nothing.
  const noTty = await login([]);
  assert.equal(noTty.code, 1);
  assert.ok(noTty.stderr.includes(`--ca-fingerprint ${fingerprint}`), noTty.stderr);
  assert.equal(fs.existsSync(config), false);

  const other = `sha256:${'ab'.repeat(32)}`;
  const wrong = await login(['--ca-fingerprint', other]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, new RegExp(`offers has fingerprint ${fingerprint}, not ${other}`));
  assert.equal(fs.existsSync(config), false);

  const malformed = await login(['--ca-fingerprint', 'md5:1234']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /--ca-fingerprint must be sha256:/);

  const questions: string[] = [];
  const refused = await login([], { confirm: (q) => (questions.push(q), false) });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /CA not trusted; nothing saved/);
  assert.ok(refused.stderr.includes(fingerprint), 'the fingerprint is shown before the question');
  assert.equal(questions.length, 1);
  assert.equal(fs.existsSync(config), false);

  const accepted = await login([], { confirm: () => true });
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.equal((await readConfig(config)).caCertificate?.trimEnd(), caPem);
  fs.rmSync(config);

  // The fingerprint as openssl prints it (upper case, colons) works too.
  const colons = `sha256:${fingerprint.slice(7).toUpperCase().match(/../g)!.join(':')}`;
  const pinned = await login(['--ca-fingerprint', colons]);
  assert.equal(pinned.code, 0, pinned.stderr);
  assert.equal((await readConfig(config)).caCertificate?.trimEnd(), caPem);
  // Later commands verify with the pinned CA; a second login to the same endpoint asks nothing.
  const list = await runCli(['project', 'list', '-o', 'json'], { env });
  assert.equal(list.code, 0, list.stderr);
  const again = await login([]);
  assert.equal(again.code, 0, again.stderr);
});
