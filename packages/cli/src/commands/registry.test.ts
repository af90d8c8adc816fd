import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { json, problem, runCli, startFakeApi } from '../lib/testing/fake-api.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('registry login writes a Docker-style config.json (kept entries) and the CA', async (t) => {
  const fake = await startFakeApi();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-registry-login-'));
  t.after(async () => {
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  fake.on('GET', /^\/v1\/registry$/, (req, res) =>
    req.headers.authorization === 'Bearer berth_good'
      ? json(res, 200, { endpoint: '198.18.0.1:5000', caCertificate: CA })
      : problem(res, 401, 'BERTH_ERR_UNAUTHENTICATED', 'the token is not valid'),
  );
  const docker = path.join(dir, 'docker');
  await fs.mkdir(docker);
  await fs.writeFile(
    path.join(docker, 'config.json'),
    JSON.stringify({ auths: { 'other.example': { auth: 'eA==' } }, credsStore: 'none' }),
  );
  const env = { BERTH_CONFIG: path.join(dir, 'cli.yaml') };
  const run = await runCli(
    [
      'registry',
      'login',
      '--endpoint',
      fake.endpoint,
      '--token',
      'berth_good',
      '--config-dir',
      docker,
    ],
    { env },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Logged in to registry 198\.18\.0\.1:5000/);
  assert.ok(!run.stdout.includes('berth_good'), 'the token is never printed');
  const config = JSON.parse(await fs.readFile(path.join(docker, 'config.json'), 'utf8'));
  assert.deepEqual(config, {
    auths: {
      'other.example': { auth: 'eA==' },
      '198.18.0.1:5000': { auth: Buffer.from('berth:berth_good').toString('base64') },
    },
    credsStore: 'none',
  });
  assert.equal((await fs.stat(path.join(docker, 'config.json'))).mode & 0o777, 0o600);
  assert.equal(
    await fs.readFile(path.join(docker, 'certs.d', '198.18.0.1:5000', 'ca.crt'), 'utf8'),
    CA,
  );

  const refused = await runCli(
    [
      'registry',
      'login',
      '--endpoint',
      fake.endpoint,
      '--token',
      'berth_bad',
      '--config-dir',
      path.join(dir, 'x'),
    ],
    { env },
  );
  assert.notEqual(refused.code, 0);
  await assert.rejects(fs.stat(path.join(dir, 'x', 'config.json')));

  const info = await runCli(
    ['registry', 'info', '--endpoint', fake.endpoint, '--token', 'berth_good', '-o', 'json'],
    { env },
  );
  assert.deepEqual(JSON.parse(info.stdout), { endpoint: '198.18.0.1:5000', caCertificate: CA });
});
