/**
 * The CLI against the real server: `startServer` (SQLite in a temp data dir, memory provider) on
 * 127.0.0.1, and `berth` run as a subprocess the way a user runs it, checking output and exit
 * codes. One server runs the controllers, so `--wait` follows real operations to their end; a
 * second runs none, so operations stay Pending and `wait` must time out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, startServer, type RunningServer } from '@berth/server';
import { until } from '@berth/test-kit';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ADMIN = `berth_${randomBytes(24).toString('hex')}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A server in a temp dir and a `berth` runner whose only config is that dir's. */
function harness(withControllers: boolean) {
  const state = { dir: '', server: undefined as RunningServer | undefined };
  before(async () => {
    state.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-int-'));
    state.server = await startServer({
      insecureHttp: true, // plain HTTP on loopback (api-tls.int.test.ts covers HTTPS)
      listen: '127.0.0.1:0',
      dataDir: path.join(state.dir, 'data'),
      provider: 'memory',
      adminToken: ADMIN,
      logger: createLogger({ level: 'warn' }),
      print: () => undefined,
      controllers: withControllers,
    });
  });
  after(async () => {
    await state.server?.stop();
    await fs.rm(state.dir, { recursive: true, force: true });
  });
  const url = () => state.server?.url ?? '';
  const configFile = () => path.join(state.dir, 'config.yaml');
  const berth = (args: string[], env: Record<string, string> = {}): Promise<Run> => {
    const childEnv = {
      PATH: process.env.PATH ?? '',
      HOME: state.dir,
      BERTH_CONFIG: configFile(),
      ...env,
    };
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [MAIN, ...args],
        { env: childEnv, timeout: 60_000 },
        (err, stdout, stderr) => {
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout,
            stderr,
          });
        },
      );
    });
  };
  const server = () => state.server!;
  return { url, configFile, berth, server };
}

function ok(run: Run): Run {
  assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run;
}

describe('with controllers', () => {
  const { url, configFile, berth } = harness(true);

  test('login → create with two node groups --wait → list → scale --wait → delete --wait', async () => {
    const badLogin = await berth(['login', '--endpoint', url(), '--token', 'berth_wrong']);
    assert.equal(badLogin.code, 1);
    assert.match(badLogin.stderr, /^berth: .*\(BERTH_ERR_UNAUTHENTICATED\)\n$/);
    await assert.rejects(fs.stat(configFile()), { code: 'ENOENT' });

    const login = ok(await berth(['login', '--endpoint', url(), '--token', ADMIN]));
    assert.match(login.stdout, /^Logged in to http:\/\/127\.0\.0\.1:\d+ \(project "default"\)/);
    assert.equal((await fs.stat(configFile())).mode & 0o777, 0o600);

    const create = ok(
      await berth([
        'cluster',
        'create',
        'demo',
        '--version',
        '1.34',
        '--masters',
        '3',
        '--zones',
        'az1,az2',
        '--nodegroup',
        'web:flavor=std-2-4,count=2,zone=az1,label=tier=web',
        '--nodegroup',
        'batch:flavor=std-4-8,count=1,zone=az2,taint=dedicated=batch:NoSchedule',
        '--wait',
        '--timeout',
        '2m',
      ]),
    );
    // Progress on stderr (no TTY: timestamped lines), the running cluster on stdout.
    assert.match(create.stderr, /^cluster "demo" create: accepted, operation (\S+); waiting/);
    assert.match(
      create.stderr,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}operation \S+ Succeeded 100%/m,
    );
    assert.match(create.stderr, /^\S+Z {2}Normal {3}CreateRequested Cluster\/demo: /m);
    assert.match(
      create.stdout,
      /^NAME +PHASE +VERSION +MASTERS +NODES +ENDPOINT +AGE\ndemo +Running +1\.34\S* +3 +3 +https:\/\/\S+:6443 +\d+s\n$/,
    );

    const listed = JSON.parse(ok(await berth(['-o', 'json', 'cluster', 'list'])).stdout);
    assert.deepEqual(
      listed.items.map((c: { metadata: { name: string } }) => c.metadata.name),
      ['demo'],
    );
    const demo = JSON.parse(ok(await berth(['cluster', 'get', 'demo', '-o', 'json'])).stdout);
    assert.deepEqual(demo.spec.zones, ['az1', 'az2']);
    assert.deepEqual(demo.spec.nodeGroups.map((g: { name: string }) => g.name).sort(), [
      'batch',
      'web',
    ]);

    const groups = ok(await berth(['nodegroup', 'list', 'demo']));
    assert.match(groups.stdout, /^web +Running +1\.34 +std-2-4 +az1 +2\/2 +off +/m);
    assert.match(groups.stdout, /^batch +Running +1\.34 +std-4-8 +az2 +1\/1 +off +/m);

    const scaled = ok(await berth(['nodegroup', 'scale', 'demo', 'web', '--count', '4', '--wait']));
    assert.match(scaled.stdout, /^web +Running +1\.34 +std-2-4 +az1 +4\/4 +off +/m);
    const web = JSON.parse(
      ok(await berth(['nodegroup', 'get', 'demo', 'web', '-o', 'json'])).stdout,
    );
    assert.equal(web.spec.count, 4);
    assert.deepEqual(web.spec.labels, { tier: 'web' });

    const events = ok(await berth(['cluster', 'events', 'demo']));
    assert.match(events.stdout, /^ID +TIME +TYPE +REASON +OBJECT +MESSAGE\n/);
    assert.match(events.stdout, / Normal +CreateRequested +Cluster\/demo +/);

    // Each node has its root disk, attached to it; no PVCs yet.
    const volumes = JSON.parse(
      ok(await berth(['volume', 'list', '--cluster', 'demo', '-o', 'json'])).stdout,
    ) as {
      items: Array<{ name: string; purpose: string; state: string; node?: { name?: string } }>;
    };
    assert.equal(volumes.items.length, 5);
    for (const v of volumes.items) {
      assert.deepEqual([v.purpose, v.state], ['node-disk', 'in-use']);
      assert.match(v.node?.name ?? '', /^demo-(web|batch)-[0-9a-z]{5}$/);
      assert.equal(v.name, `${v.node?.name}-root`);
    }
    const table = ok(await berth(['volume', 'list']));
    assert.match(
      table.stdout,
      /^demo-web-\w{5}-root +demo +node-disk +in-use +\S+ +\d+Gi +az1 +- +demo-web-\w{5} +/m,
    );

    const deleted = ok(await berth(['cluster', 'delete', 'demo', '--wait']));
    assert.equal(deleted.stdout, 'cluster "demo" deleted\n');
    assert.equal(ok(await berth(['cluster', 'list'])).stdout, 'No resources found.\n');
    const gone = await berth(['cluster', 'get', 'demo']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /\(BERTH_ERR_CLUSTER_NOT_FOUND\)\n$/);
  });
});

describe('without controllers', () => {
  const { url, berth, server } = harness(false);
  const admin = () => ({ BERTH_ENDPOINT: url(), BERTH_TOKEN: ADMIN });

  test('--wait returns at once, exit 2, when the cluster is in Error', async () => {
    ok(await berth(['cluster', 'create', 'broken'], admin()));
    const key = { project: 'default', name: 'broken' };
    const scaling = berth(
      ['nodegroup', 'scale', 'broken', 'default', '--count', '5', '--wait', '--timeout', '20m'],
      admin(),
    );
    // What the cluster controller does next: a pass over the new generation fails terminally.
    const cluster = await until('the scale to reach the cluster', async () => {
      const c = await server().store.clusters.get(key);
      return c !== undefined && c.metadata.generation > 1 ? c : undefined;
    });
    const failedAt = Date.now();
    await server().store.clusters.updateStatus(key, (s) => ({
      ...s,
      phase: 'Error',
      observedGeneration: cluster.metadata.generation,
      message: 'kube-apiserver v1.35.4 is not installed. Fix: berth components install 1.35',
    }));
    const scaled = await scaling;
    assert.equal(scaled.code, 2, scaled.stderr);
    assert.match(
      scaled.stderr,
      /berth: NodeGroupUpdate of NodeGroup "default" cannot finish: cluster "broken" is in Error: kube-apiserver v1\.35\.4 is not installed\. Fix: berth components install 1\.35/,
    );
    assert.ok(Date.now() - failedAt < 15_000, 'no wait for the timeout');
  });

  test('an operation nobody advances: wait follows it, then exits 3 at the timeout', async () => {
    const create = ok(await berth(['cluster', 'create', 'idle'], admin()));
    const opId = /accepted, operation (\S+)\nFollow it with: berth wait \1\n$/.exec(
      create.stdout,
    )?.[1];
    assert.ok(opId, create.stdout);
    const waited = await berth(['wait', opId, '--timeout', '1s'], admin());
    assert.equal(waited.code, 3, waited.stderr);
    assert.match(waited.stderr, new RegExp(`operation ${opId} Pending 0%`));
    assert.match(
      waited.stderr,
      new RegExp(`berth: operation ${opId} did not finish within 1s\\n$`),
    );
  });

  test("refusals print the server's field, message and code", async () => {
    const invalid = await berth(['cluster', 'create', 'bad', '--masters', '2'], admin());
    assert.equal(invalid.code, 1);
    assert.match(
      invalid.stderr,
      /^berth: spec\.controlPlane\.count: .+ \(BERTH_ERR_VALIDATION\)\n$/,
    );

    const autoscale = await berth(
      ['cluster', 'create', 'auto', '--nodegroup', 'web:count=5,min=1,max=4,autoscale'],
      admin(),
    );
    assert.equal(autoscale.code, 1);
    assert.match(
      autoscale.stderr,
      /^berth: spec\.nodeGroups\[0\]\.count: count 5 must lie within autoscaling bounds \[1, 4\] \(BERTH_ERR_VALIDATION\)\n$/,
    );

    const missing = await berth(['cluster', 'get', 'nope'], admin());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^berth: .*nope.* \(BERTH_ERR_CLUSTER_NOT_FOUND\)\n$/);

    const token = ok(
      await berth(['token', 'create', '--role', 'viewer', '--name', 'reader'], admin()),
    );
    const secret = token.stdout.trim();
    assert.match(secret, /^berth_\S+$/);
    assert.match(token.stderr, /it will not be shown again/);
    const listed = ok(await berth(['token', 'list'], admin()));
    assert.match(listed.stdout, /^\S+ +reader +viewer +default /m);
    assert.ok(!listed.stdout.includes(secret), 'secrets are never listed');

    const viewer = { BERTH_ENDPOINT: url(), BERTH_TOKEN: secret };
    ok(await berth(['cluster', 'list'], viewer));
    const forbidden = await berth(['cluster', 'create', 'x'], viewer);
    assert.equal(forbidden.code, 1);
    assert.match(forbidden.stderr, /\(BERTH_ERR_FORBIDDEN\)\n$/);

    const project = ok(
      await berth(['project', 'create', 'team-a', '--description', 'Team A'], admin()),
    );
    assert.match(project.stdout, /^NAME +DESCRIPTION +AGE\nteam-a +Team A +\d+s\n$/);
    ok(await berth(['project', 'delete', 'team-a'], admin()));
  });
});
