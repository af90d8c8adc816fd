import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, problem, runCli, startFakeApi } from '../lib/testing/fake-api.js';

test('kubectl-credentials prints the ExecCredential Berth answers, and only that', async (t) => {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  const credential = {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: { token: 'eyJ.x.y', expirationTimestamp: '2025-06-01T12:05:00.000Z' },
  };
  fake.on('POST', /^\/v1\/projects\/team-a\/clusters\/web\/credentials$/, (req, res) =>
    req.headers.authorization === 'Bearer berths_session'
      ? json(res, 200, credential)
      : problem(
          res,
          401,
          'BERTH_ERR_UNAUTHENTICATED',
          'the session is unknown or expired; sign in',
        ),
  );
  const run = await runCli(
    ['kubectl-credentials', '--endpoint', fake.endpoint, '--project', 'team-a', 'web'],
    { env: { BERTH_TOKEN: 'berths_session' } },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), credential);
  assert.equal(run.stderr, '');
  const expired = await runCli(
    ['kubectl-credentials', '--endpoint', fake.endpoint, '-p', 'team-a', 'web'],
    { env: { BERTH_TOKEN: 'berths_old' } },
  );
  assert.equal(expired.code, 1);
  assert.equal(expired.stdout, '');
  assert.match(expired.stderr, /sign in \(BERTH_ERR_UNAUTHENTICATED\)/);
});
