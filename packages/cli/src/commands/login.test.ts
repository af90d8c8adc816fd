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

test('login --user signs a directory user in and saves the session token and a project of theirs', async (t) => {
  const { fake, file } = await setup(t);
  fake.on('POST', /^\/v1\/login$/, (req, res, raw) => {
    const body = raw as { username: string; password: string };
    assert.equal(req.headers.authorization, undefined);
    if (body.username !== 'alice' || body.password !== 'correct horse')
      return problem(res, 401, 'BERTH_ERR_INVALID_CREDENTIALS', 'wrong user name or password');
    json(res, 200, {
      token: 'berths_session',
      expiresAt: '2025-06-01T20:00:00.000Z',
      username: 'alice',
      groups: ['devs'],
    });
  });
  fake.on('GET', /^\/v1\/whoami$/, (req, res) => {
    assert.equal(req.headers.authorization, 'Bearer berths_session');
    json(res, 200, {
      id: 'ses-1',
      kind: 'user',
      name: 'alice',
      project: null,
      role: 'member',
      groups: ['devs'],
      roles: { 'team-a': 'member' },
    });
  });
  const run = await runCli(
    ['login', '--endpoint', fake.endpoint, '--user', 'alice', '--password-stdin'],
    {
      env: { BERTH_CONFIG: file },
      stdin: 'correct horse\n',
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    `Signed in to ${fake.endpoint} as alice (groups: devs) until 2025-06-01T20:00:00.000Z; project "team-a"; saved to ${file}\n`,
  );
  assert.deepEqual(await readConfig(file), {
    endpoint: fake.endpoint,
    token: 'berths_session',
    project: 'team-a',
    user: 'alice',
  });
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);

  const wrong = await runCli(['login', '--endpoint', fake.endpoint, '--user', 'alice'], {
    env: { BERTH_CONFIG: file, BERTH_PASSWORD: 'nope' },
  });
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr,
    'berth: wrong user name or password (BERTH_ERR_INVALID_CREDENTIALS)\n',
  );
  assert.equal((await readConfig(file)).token, 'berths_session');

  let loggedOut = '';
  fake.on('POST', /^\/v1\/logout$/, (req, res) => {
    loggedOut = req.headers.authorization ?? '';
    res.writeHead(204).end();
  });
  const out = await runCli(['logout'], { env: { BERTH_CONFIG: file } });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(loggedOut, 'Bearer berths_session');
  assert.deepEqual(await readConfig(file), { endpoint: fake.endpoint, project: 'team-a' });

  const noPassword = await runCli(['login', '--endpoint', fake.endpoint, '--user', 'alice'], {
    env: { BERTH_CONFIG: file },
  });
  assert.equal(noPassword.code, 1);
  assert.match(noPassword.stderr, /login --user needs a password/);
});
