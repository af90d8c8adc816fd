import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Operation } from '@berth/api-types';
import { json, problem, runCli, startFakeApi, type FakeApi } from '../lib/testing/fake-api.js';
import { cluster, clusterEvent, operation } from '../lib/testing/fixtures.js';

async function api(t: test.TestContext): Promise<FakeApi> {
  const fake = await startFakeApi();
  t.after(() => fake.close());
  return fake;
}

const login = (fake: FakeApi) => ({ BERTH_ENDPOINT: fake.endpoint, BERTH_TOKEN: 'berth_t' });

/** Routes create and the operation; the operation ends `end` once the CLI first reads it. */
function createFlow(fake: FakeApi, end?: Partial<Operation> & { phase: Operation['phase'] }) {
  let op = operation('Running');
  fake.on('POST', /^\/v1\/projects\/default\/clusters$/, (_q, res) =>
    json(res, 202, { operation: op }),
  );
  fake.on('GET', /^\/v1\/projects\/default\/clusters\/demo$/, (_q, res) =>
    json(res, 200, cluster()),
  );
  fake.on('GET', /^\/v1\/operations\/op-1$/, (_q, res) => {
    json(res, 200, op);
    if (!end || op.phase !== 'Running') return;
    setTimeout(() => {
      fake.emit(clusterEvent(1, 'ServersCreated', '1 master, 3 workers'));
      op = operation(end.phase, end);
      fake.emit(
        clusterEvent(2, end.phase === 'Succeeded' ? 'ClusterReady' : 'ClusterFailed', 'done'),
      );
    }, 50);
  });
}

test('create with two node groups --wait: live progress, the cluster, exit 0', async (t) => {
  const fake = await api(t);
  createFlow(fake, { phase: 'Succeeded' });
  const run = await runCli(
    [
      'cluster',
      'create',
      'demo',
      '--version',
      '1.34',
      '--masters',
      '3',
      '--wait',
      '--nodegroup',
      'a:count=2',
      '--nodegroup',
      'b:flavor=std-4-8,count=1,zone=az2,autoscale,max=4',
    ],
    { env: login(fake) },
  );
  assert.equal(run.code, 0, run.stderr);
  const post = fake.seen.find((r) => r.method === 'POST');
  assert.deepEqual((post?.body as { spec: unknown }).spec, {
    version: '1.34',
    controlPlane: { count: 3 },
    nodeGroups: [
      { name: 'a', count: 2 },
      {
        name: 'b',
        flavor: 'std-4-8',
        count: 1,
        zone: 'az2',
        autoscaling: { enabled: true, max: 4 },
      },
    ],
  });
  assert.match(post?.headers['idempotency-key'] as string, /^[0-9a-f-]{36}$/);
  assert.match(run.stderr, /accepted, operation op-1; waiting/);
  assert.match(
    run.stderr,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}Normal {3}ServersCreated: 1 master, 3 workers$/m,
  );
  assert.match(run.stderr, /operation op-1 Succeeded 100%: cluster is ready/);
  assert.match(
    run.stdout,
    /^NAME +PHASE +VERSION +MASTERS +NODES +ENDPOINT +AGE\ndemo +Running +1\.34\.2 +1 +0 +https:\/\/172\.24\.0\.10:6443 +2m\n$/,
  );
});

test('a failed operation exits 2 with its reason and code', async (t) => {
  const fake = await api(t);
  const error = {
    type: 'x',
    title: 't',
    status: 502,
    code: 'BERTH_ERR_PROVIDER_QUOTA',
    detail: 'zone az1 has no room for 3 servers',
  };
  createFlow(fake, { phase: 'Failed', error, message: 'failed' });
  const run = await runCli(['cluster', 'create', 'demo', '--wait'], { env: login(fake) });
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /\nberth: ClusterCreate of Cluster "demo" failed: zone az1 has no room for 3 servers \(BERTH_ERR_PROVIDER_QUOTA\)\n$/,
  );
});

test('a validation error prints field, message and code; exit 1', async (t) => {
  const fake = await api(t);
  fake.on('POST', /clusters$/, (_q, res) =>
    problem(res, 400, 'BERTH_ERR_VALIDATION', 'must be 1, 3 or 5', 'spec.controlPlane.count'),
  );
  const run = await runCli(['cluster', 'create', 'demo', '--masters', '2'], { env: login(fake) });
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    'berth: spec.controlPlane.count: must be 1, 3 or 5 (BERTH_ERR_VALIDATION)\n',
  );
});

test('Ctrl-C stops waiting only: exit 130, says how to resume, sends nothing else', async (t) => {
  const fake = await api(t);
  createFlow(fake);
  const run = await runCli(['cluster', 'create', 'demo', '--wait'], {
    env: login(fake),
    whileRunning: (interrupt) => setTimeout(interrupt, 150),
  });
  assert.equal(run.code, 130);
  assert.match(
    run.stderr,
    /berth: stopped waiting; operation op-1 carries on\.\n {2}berth wait op-1 /,
  );
  assert.match(run.stderr, /berth cluster events demo --follow/);
  assert.deepEqual(new Set(fake.seen.map((r) => r.method)), new Set(['POST', 'GET']));
});

test('--timeout ends the wait with exit 3', async (t) => {
  const fake = await api(t);
  createFlow(fake);
  const run = await runCli(['cluster', 'create', 'demo', '--wait', '--timeout', '200ms'], {
    env: login(fake),
  });
  assert.equal(run.code, 3);
  assert.match(run.stderr, /berth: operation op-1 did not finish within 200ms\n/);
});

test('bad flags fail before any request', async (t) => {
  const fake = await api(t);
  const env = login(fake);
  const bad = await runCli(['cluster', 'create', 'demo', '--nodegroup', 'web:flavr=x'], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^berth: --nodegroup "web:flavr=x": unknown key "flavr" in "flavr=x"/);
  const timeout = await runCli(['cluster', 'create', 'demo', '--wait', '--timeout', 'soon'], {
    env,
  });
  assert.match(timeout.stderr, /^berth: --timeout "soon": not a duration/);
  assert.equal(fake.seen.length, 0);
});

test('without --wait: the operation and how to follow it; -o json prints it', async (t) => {
  const fake = await api(t);
  createFlow(fake);
  const table = await runCli(['cluster', 'create', 'demo'], { env: login(fake) });
  assert.equal(
    table.stdout,
    'cluster "demo" create: accepted, operation op-1\nFollow it with: berth wait op-1\n',
  );
  const asJson = await runCli(['-o', 'json', 'cluster', 'create', 'demo'], { env: login(fake) });
  assert.equal(JSON.parse(asJson.stdout).operation.id, 'op-1');
});

test('list and get in every format; global options before or after the command', async (t) => {
  const fake = await api(t);
  fake.on('GET', /^\/v1\/projects\/team\/clusters$/, (_q, res) =>
    json(res, 200, { metadata: {}, items: [cluster('a'), cluster('b', 'Stopped')] }),
  );
  const env = login(fake);
  const table = await runCli(['cluster', 'list', '-p', 'team'], { env });
  assert.deepEqual(
    table.stdout.split('\n').map((l) => l.split(/ +/)[0]),
    ['NAME', 'a', 'b', ''],
  );
  const asJson = await runCli(['-o', 'json', '--project', 'team', 'cluster', 'list'], { env });
  assert.deepEqual(
    JSON.parse(asJson.stdout).items.map((c: { metadata: { name: string } }) => c.metadata.name),
    ['a', 'b'],
  );
  const asYaml = await runCli(['cluster', 'list', '-o', 'yaml'], {
    env: { ...env, BERTH_PROJECT: 'team' },
  });
  assert.match(asYaml.stdout, /^items:\n {2}- apiVersion: berth\.dev\/v1\n/);
  const wrong = await runCli(['cluster', 'list', '-o', 'xml'], { env });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /argument 'xml' is invalid. Allowed choices are table, json, yaml/);
});

test('kubeconfig --output-file writes mode 0600', async (t) => {
  const fake = await api(t);
  fake.on('GET', /\/clusters\/demo\/kubeconfig$/, (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/yaml' });
    res.end('apiVersion: v1\nkind: Config\n');
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kubeconfig-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'demo.yaml');
  const run = await runCli(['cluster', 'kubeconfig', 'demo', '--output-file', file], {
    env: login(fake),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await fs.readFile(file, 'utf8'), 'apiVersion: v1\nkind: Config\n');
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  const printed = await runCli(['cluster', 'kubeconfig', 'demo'], { env: login(fake) });
  assert.equal(printed.stdout, 'apiVersion: v1\nkind: Config\n');
});

test('events: the history as a table, --follow as lines until Ctrl-C', async (t) => {
  const fake = await api(t);
  fake.on('GET', /\/clusters\/demo\/events$/, (_q, res) =>
    json(res, 200, { metadata: {}, items: [clusterEvent(1, 'CreateRequested', 'accepted')] }),
  );
  const history = await runCli(['cluster', 'events', 'demo'], { env: login(fake) });
  assert.match(
    history.stdout,
    /^ID +TIME +TYPE +REASON +OBJECT +MESSAGE\n1 +\S+ +Normal +CreateRequested +- +accepted\n$/,
  );
  const followed = await runCli(['cluster', 'events', 'demo', '--follow', '-o', 'json'], {
    env: login(fake),
    whileRunning: (interrupt) => {
      setTimeout(() => fake.emit(clusterEvent(5, 'NodeReady', 'node a-1 is Ready')), 100);
      setTimeout(interrupt, 200);
    },
  });
  assert.equal(followed.code, 0);
  assert.equal(JSON.parse(followed.stdout).reason, 'NodeReady');
});

test('without an endpoint the CLI says how to log in', async () => {
  const run = await runCli(['cluster', 'list'], {
    env: { BERTH_CONFIG: '/nonexistent/config.yaml' },
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^berth: no Berth endpoint configured: run `berth login --endpoint URL --token TOKEN`/,
  );
});

test('renew-certificates posts the action with its window and waits like other actions', async (t) => {
  const fake = await api(t);
  fake.on('POST', /^\/v1\/projects\/default\/clusters\/demo:renew-certificates$/, (_q, res) =>
    json(res, 202, { operation: operation('Succeeded') }),
  );
  fake.on('GET', /^\/v1\/operations\/op-1$/, (_q, res) => json(res, 200, operation('Succeeded')));
  fake.on('GET', /^\/v1\/projects\/default\/clusters\/demo$/, (_q, res) =>
    json(res, 200, cluster()),
  );
  const run = await runCli(
    ['cluster', 'renew-certificates', 'demo', '--only-expiring-within-days', '30', '--wait'],
    { env: login(fake) },
  );
  assert.equal(run.code, 0, run.stderr);
  const post = fake.seen.find((r) => r.method === 'POST')!;
  assert.equal(post.url, '/v1/projects/default/clusters/demo:renew-certificates');
  assert.deepEqual(post.body, { onlyExpiringWithinDays: 30 });

  const plain = await runCli(['cluster', 'renew-certificates', 'demo'], { env: login(fake) });
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(fake.seen.filter((r) => r.method === 'POST')[1]!.body, {});

  const bad = await runCli(
    ['cluster', 'renew-certificates', 'demo', '--only-expiring-within-days', '0'],
    { env: login(fake) },
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--only-expiring-within-days must be a whole number of days/);
  assert.equal(fake.seen.filter((r) => r.method === 'POST').length, 2, 'nothing sent');
});
