/**
 * The CLI against the real server: `startServer` (SQLite in a temp data dir, memory provider) on
 * 127.0.0.1, and `berth` run as a subprocess the way a user runs it — login, create a cluster
 * with two node groups, list, scale, refused actions, delete — checking output and exit codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@berth/server';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ADMIN = `berth_${randomBytes(24).toString('hex')}`;

let server: RunningServer;
let dir: string;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-int-'));
  server = await startServer({
    listen: '127.0.0.1:0',
    dataDir: path.join(dir, 'data'),
    provider: 'memory',
    adminToken: ADMIN,
    print: () => undefined,
  });
});

after(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `berth …` as a child process with only the config file and HOME of this test. */
function berth(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    BERTH_CONFIG: path.join(dir, 'config.yaml'),
    ...env,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: childEnv, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function ok(run: Run): Run {
  assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run;
}

test('login → create with two node groups → list → scale → delete', async () => {
  const badLogin = await berth(['login', '--endpoint', server.url, '--token', 'berth_wrong']);
  assert.equal(badLogin.code, 1);
  assert.match(badLogin.stderr, /^berth: .*\(BERTH_ERR_UNAUTHENTICATED\)\n$/);
  await assert.rejects(fs.stat(path.join(dir, 'config.yaml')), { code: 'ENOENT' });

  const login = ok(await berth(['login', '--endpoint', server.url, '--token', ADMIN]));
  assert.match(login.stdout, /^Logged in to http:\/\/127\.0\.0\.1:\d+ \(project "default"\)/);
  assert.equal((await fs.stat(path.join(dir, 'config.yaml'))).mode & 0o777, 0o600);

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
      'batch:flavor=std-4-8,count=1,zone=az2,taint=dedicated=batch:NoSchedule,min=1,max=5,autoscale',
    ]),
  );
  const opId = /accepted, operation (\S+)\nFollow it with: berth wait \1\n$/.exec(
    create.stdout,
  )?.[1];
  assert.ok(opId, create.stdout);

  const list = ok(await berth(['cluster', 'list']));
  const [header, row] = list.stdout.trimEnd().split('\n');
  assert.match(header ?? '', /^NAME +PHASE +VERSION +MASTERS +NODES +ENDPOINT +AGE$/);
  assert.match(row ?? '', /^demo +\w+ +1\.34\S* +3 +3 +\S+ +\d+s$/);

  const asJson = JSON.parse(ok(await berth(['-o', 'json', 'cluster', 'get', 'demo'])).stdout);
  assert.deepEqual(asJson.spec.zones, ['az1', 'az2']);
  assert.deepEqual(asJson.spec.nodeGroups.map((g: { name: string }) => g.name).sort(), [
    'batch',
    'web',
  ]);

  const groups = ok(await berth(['nodegroup', 'list', 'demo']));
  assert.match(groups.stdout, /^web +\w+ +std-2-4 +az1 +\d\/2 +off +/m);
  assert.match(groups.stdout, /^batch +\w+ +std-4-8 +az2 +\d\/1 +1-5 +/m);

  ok(await berth(['nodegroup', 'scale', 'demo', 'web', '--count', '4']));
  const web = JSON.parse(ok(await berth(['nodegroup', 'get', 'demo', 'web', '-o', 'json'])).stdout);
  assert.equal(web.spec.count, 4);
  assert.deepEqual(web.spec.labels, { tier: 'web' });

  const events = ok(await berth(['cluster', 'events', 'demo']));
  assert.match(events.stdout, /^ID +TIME +TYPE +REASON +OBJECT +MESSAGE\n/);
  assert.match(events.stdout, / Cluster\/demo +Cluster demo .*requested/);

  // No controllers run in this server, so the operation stays Pending: `wait` must follow it
  // over the real event stream and give up at the timeout with exit 3, saying so.
  const waited = await berth(['wait', opId, '--timeout', '1s']);
  assert.equal(waited.code, 3, waited.stderr);
  assert.match(waited.stderr, new RegExp(`operation ${opId} Pending 0%`));
  assert.match(waited.stderr, new RegExp(`berth: operation ${opId} did not finish within 1s\n$`));

  const deleted = ok(await berth(['cluster', 'delete', 'demo']));
  assert.match(deleted.stdout, /^cluster "demo" delete: accepted, operation \S+\n/);
  const after = JSON.parse(ok(await berth(['cluster', 'get', 'demo', '-o', 'json'])).stdout);
  assert.ok(after.metadata.deletionRequestedAt, 'deletion is recorded');
});

test("refusals print the server's field, message and code", async () => {
  const env = { BERTH_ENDPOINT: server.url, BERTH_TOKEN: ADMIN };
  const invalid = await berth(['cluster', 'create', 'bad', '--masters', '2'], env);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /^berth: spec\.controlPlane\.count: .+ \(BERTH_ERR_VALIDATION\)\n$/);

  const missing = await berth(['cluster', 'get', 'nope'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^berth: .*nope.* \(BERTH_ERR_CLUSTER_NOT_FOUND\)\n$/);

  const token = ok(await berth(['token', 'create', '--role', 'viewer', '--name', 'reader'], env));
  const secret = token.stdout.trim();
  assert.match(secret, /^berth_\S+$/);
  assert.match(token.stderr, /it will not be shown again/);
  const listed = ok(await berth(['token', 'list'], env));
  assert.match(listed.stdout, /^\S+ +reader +viewer +default /m);
  assert.ok(!listed.stdout.includes(secret), 'secrets are never listed');

  const viewer = { BERTH_ENDPOINT: server.url, BERTH_TOKEN: secret };
  ok(await berth(['cluster', 'list'], viewer));
  const forbidden = await berth(['cluster', 'create', 'x'], viewer);
  assert.equal(forbidden.code, 1);
  assert.match(forbidden.stderr, /\(BERTH_ERR_FORBIDDEN\)\n$/);

  const project = ok(await berth(['project', 'create', 'team-a', '--description', 'Team A'], env));
  assert.match(project.stdout, /^NAME +DESCRIPTION +AGE\nteam-a +Team A +\d+s\n$/);
  ok(await berth(['project', 'delete', 'team-a'], env));
});
