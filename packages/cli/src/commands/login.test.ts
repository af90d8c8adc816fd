import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../lib/config-file.js';
import { json, problem, runCli, startFakeApi, type FakeApi } from '../lib/testing/fake-api.js';

async function setup(t: test.TestContext): Promise<{ fake: FakeApi; file: string }> {
  const fake = await startFakeApi();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-login-'));
  t.after(async () => {
    await fake.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  fake.on('GET', /^\/v1\/projects\/[^/]+\/clusters$/, (req, res) =>
    req.headers.authorization === 'Bearer berth_good'
      ? json(res, 200, { metadata: {}, items: [] })
      : problem(res, 401, 'BERTH_ERR_UNAUTHENTICATED', 'the token is not valid'),
  );
  return { fake, file: path.join(dir, 'berth', 'config.yaml') };
}

test('login checks the token, then saves endpoint, token and project with mode 0600', async (t) => {
  const { fake, file } = await setup(t);
  const run = await runCli(
    ['login', '--endpoint', fake.endpoint, '--token', 'berth_good', '-p', 'team'],
    {
      env: { BERTH_CONFIG: file },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `Logged in to ${fake.endpoint} (project "team"); saved to ${file}\n`);
  assert.deepEqual(await readConfig(file), {
    endpoint: fake.endpoint,
    token: 'berth_good',
    project: 'team',
  });
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  assert.equal(fake.seen[0]?.url, '/v1/projects/team/clusters?limit=1');

  const later = await runCli(['config', 'view', '-o', 'json'], { env: { BERTH_CONFIG: file } });
  assert.deepEqual(JSON.parse(later.stdout), {
    configFile: file,
    endpoint: fake.endpoint,
    endpointFrom: 'config',
    token: '****',
    tokenFrom: 'config',
    project: 'team',
    projectFrom: 'config',
  });
  const overridden = await runCli(['config', 'view', '-o', 'json'], {
    env: { BERTH_CONFIG: file, BERTH_TOKEN: 'berth_0123456789abcdef' },
  });
  assert.equal(JSON.parse(overridden.stdout).token, 'berth_0123…');
  assert.equal(JSON.parse(overridden.stdout).tokenFrom, 'env');
});

test('a rejected token is not saved', async (t) => {
  const { fake, file } = await setup(t);
  const run = await runCli(['login', '--endpoint', fake.endpoint, '--token', 'berth_bad'], {
    env: { BERTH_CONFIG: file },
  });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'berth: the token is not valid (BERTH_ERR_UNAUTHENTICATED)\n');
  await assert.rejects(fs.stat(file), { code: 'ENOENT' });
});

test('login without a token says what is missing', async (t) => {
  const { fake, file } = await setup(t);
  const run = await runCli(['login', '--endpoint', fake.endpoint], { env: { BERTH_CONFIG: file } });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'berth: login needs --token TOKEN (or BERTH_TOKEN)\n');
});
