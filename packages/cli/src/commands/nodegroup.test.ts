import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, runCli, startFakeApi, type FakeApi } from '../lib/testing/fake-api.js';
import { operation } from '../lib/testing/fixtures.js';

async function api(t: test.TestContext): Promise<FakeApi> {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  return fake;
}

const env = (fake: FakeApi) => ({ BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_t' });

function nodeGroup(count: number) {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'NodeGroup',
    metadata: { name: 'web', cluster: 'demo', createdAt: '2025-06-01T11:00:00Z' },
    spec: {
      flavor: 'std-2-4',
      zone: 'az1',
      count,
      autoscaling: { enabled: false, min: 1, max: 10 },
    },
    status: { phase: 'Running', replicas: count, readyReplicas: count },
  };
}

test('create turns flags into a spec; errors name the flag', async (t) => {
  const fake = await api(t);
  fake.on('POST', /\/clusters\/demo\/nodegroups$/, (_q, res) =>
    json(res, 202, { operation: operation('Pending', { kind: 'NodeGroupCreate' }) }),
  );
  const run = await runCli(
    [
      'nodegroup',
      'create',
      'demo',
      'web',
      '--count',
      '2',
      '--label',
      'tier=web',
      '--taint',
      'dedicated=web:NoSchedule',
      '--autoscale',
      '--max',
      '5',
    ],
    { env: env(fake) },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(fake.seen[0]?.body, {
    metadata: { name: 'web' },
    spec: {
      count: 2,
      autoscaling: { max: 5, enabled: true },
      labels: { tier: 'web' },
      taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
    },
  });
  const bad = await runCli(['nodegroup', 'create', 'demo', 'web', '--taint', 'oops'], {
    env: env(fake),
  });
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    'berth: nodegroup create: taint "oops" must be key=value:Effect or key:Effect\n',
  );
});

test('scale sends a merge patch of the count and waits for its operation', async (t) => {
  const fake = await api(t);
  let count = 3;
  const op = operation('Succeeded', { kind: 'NodeGroupUpdate' });
  fake.on('PATCH', /\/clusters\/demo\/nodegroups\/web$/, (_q, res, body) => {
    count = (body as { spec: { count: number } }).spec.count;
    json(res, 202, { operation: op, nodeGroup: nodeGroup(count) });
  });
  fake.on('GET', /\/operations\/op-1$/, (_q, res) => json(res, 200, op));
  fake.on('GET', /\/clusters\/demo\/nodegroups\/web$/, (_q, res) =>
    json(res, 200, nodeGroup(count)),
  );
  const run = await runCli(['nodegroup', 'scale', 'demo', 'web', '--count', '5', '--wait'], {
    env: env(fake),
  });
  assert.equal(run.code, 0, run.stderr);
  const patch = fake.seen.find((r) => r.method === 'PATCH');
  assert.equal(patch?.headers['content-type'], 'application/merge-patch+json');
  assert.deepEqual(patch?.body, { spec: { count: 5 } });
  assert.match(
    run.stdout,
    /^NAME +PHASE +VERSION +FLAVOR +ZONE +READY +AUTOSCALE +AGE\nweb +Running +\S+ +std-2-4 +az1 +5\/5 +off +60m\n$/,
  );
  const bad = await runCli(['nodegroup', 'scale', 'demo', 'web', '--count', '-1'], {
    env: env(fake),
  });
  assert.equal(bad.code, 1);
});

test('delete --wait reports the deletion; list prints the table', async (t) => {
  const fake = await api(t);
  const op = operation('Succeeded', { kind: 'NodeGroupDelete' });
  fake.on('DELETE', /\/nodegroups\/web$/, (_q, res) => json(res, 202, { operation: op }));
  fake.on('GET', /\/operations\/op-1$/, (_q, res) => json(res, 200, op));
  fake.on('GET', /\/clusters\/demo\/nodegroups$/, (_q, res) =>
    json(res, 200, { metadata: {}, items: [nodeGroup(3)] }),
  );
  const deleted = await runCli(['nodegroup', 'delete', 'demo', 'web', '--wait'], {
    env: env(fake),
  });
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, 'node group "web" of cluster "demo" deleted\n');
  const list = await runCli(['nodegroup', 'list', 'demo'], { env: env(fake) });
  assert.match(list.stdout, /\nweb +Running +\S+ +std-2-4 +az1 +3\/3 +off +60m\n$/);
});
