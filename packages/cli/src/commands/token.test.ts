import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, runCli, startFakeApi } from '../lib/testing/fake-api.js';

const token = {
  id: 'tok-1',
  name: 'ci',
  project: 'default',
  role: 'member',
  prefix: 'berth_ab',
  createdAt: '2025-06-01T11:00:00Z',
};

test('token create prints the secret alone on stdout and warns on stderr', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('POST', /\/projects\/default\/tokens$/, (_q, res, body) =>
    json(res, 201, { ...token, ...(body as object), secret: 'berth_abcdef0123456789' }),
  );
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_admin' };
  const run = await runCli(['token', 'create', '--role', 'member', '--name', 'ci'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'berth_abcdef0123456789\n');
  assert.match(
    run.stderr,
    /Token "ci" \(member, id tok-1\) created in project "default"\.\nStore its secret now: it will not be shown again\.\n/,
  );
  assert.deepEqual(fake.seen[0]?.body, { name: 'ci', role: 'member' });

  const bad = await runCli(['token', 'create', '--role', 'owner'], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Allowed choices are viewer, member, admin/);
});

test('token list and revoke', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  fake.on('GET', /\/tokens$/, (_q, res) => json(res, 200, { metadata: {}, items: [token] }));
  fake.on('DELETE', /\/tokens\/tok-1$/, (_q, res) => void res.writeHead(204).end());
  const env = { BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_admin' };
  const list = await runCli(['token', 'list'], { env });
  assert.match(
    list.stdout,
    /^ID +NAME +ROLE +PROJECT +PREFIX +EXPIRES +AGE\ntok-1 +ci +member +default +berth_ab +- +60m\n$/,
  );
  assert.doesNotMatch(list.stdout, /secret/);
  const revoke = await runCli(['token', 'revoke', 'tok-1'], { env });
  assert.equal(revoke.stdout, 'token tok-1 revoked\n');
});
