/**
 * The real agent as a real detached process (in the host's network namespace; the e2e suite
 * runs it inside server namespaces): services, restarts, files, reload, stop, crash and
 * re-adoption by a fresh controller.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentController } from './agent-control.js';
import { serverLayout } from './layout.js';
import { isRunning } from '../proc/proc.js';
import { readPidFile, writePidFile } from '../proc/pid-file.js';
import { until } from '@berth/test-kit';
import type { AgentLaunch } from './agent-control.js';
import type { UserData } from './user-data.js';

function setup(t: { after: (fn: () => Promise<void> | void) => void }) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-agent-'));
  const dir = path.join(base, 'server');
  const allowed = path.join(base, 'etc');
  const controller = new AgentController({ stopTimeoutMs: 5000 });
  t.after(async () => {
    await controller.crash(dir);
    fs.rmSync(base, { recursive: true, force: true });
  });
  const launch = (userData: UserData): AgentLaunch => ({
    dir,
    config: {
      serverId: 'srv-1',
      hostname: 'node-1',
      allowedPathPrefixes: [allowed],
      env: { ROLE: 'test' },
    },
    userData,
  });
  return { base, dir, allowed, controller, launch, layout: serverLayout(dir) };
}

const sleeper = { name: 'sleeper', command: 'sleep', args: ['600'] };

test('the agent writes files, runs services, restarts failures and reports status', async (t) => {
  const { dir, allowed, controller, launch, layout } = setup(t);
  const record = await controller.start(
    launch({
      files: [
        { path: 'config/app.conf', content: 'hello\n', mode: 0o600 },
        {
          path: path.join(allowed, 'abs.txt'),
          content: Buffer.from('bin').toString('base64'),
          encoding: 'base64',
        },
      ],
      services: [
        sleeper,
        {
          name: 'env-dump',
          command: 'sh',
          args: ['-c', 'echo "$BERTH_HOSTNAME $ROLE $PWD" > env.txt'],
          restart: 'never',
        },
        { name: 'flaky', command: 'sh', args: ['-c', 'exit 3'], restart: 'on-failure' },
      ],
    }),
  );
  assert.ok(isRunning(record.pid));
  assert.equal(fs.readFileSync(path.join(layout.rootDir, 'config/app.conf'), 'utf8'), 'hello\n');
  assert.equal(fs.statSync(path.join(layout.rootDir, 'config/app.conf')).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(path.join(allowed, 'abs.txt'), 'utf8'), 'bin');
  const status = await until('flaky to be restarted twice', () => {
    const s = controller.status(dir);
    const flaky = s?.services.find((x) => x.name === 'flaky');
    return flaky !== undefined && flaky.restarts >= 2 ? s : undefined;
  });
  assert.equal(status.agent.state, 'running');
  assert.equal(status.services.find((s) => s.name === 'sleeper')?.state, 'running');
  assert.equal(status.services.find((s) => s.name === 'flaky')?.lastExit?.code, 3);
  await until(
    'env-dump to exit',
    () => controller.status(dir)?.services.find((s) => s.name === 'env-dump')?.state === 'exited',
  );
  assert.equal(
    fs.readFileSync(path.join(layout.rootDir, 'env.txt'), 'utf8'),
    `node-1 test ${layout.rootDir}\n`,
  );
  const sleeperPid = readPidFile(layout.servicePid('sleeper'));
  assert.ok(sleeperPid !== undefined && isRunning(sleeperPid.pid));
  assert.equal(sleeperPid.pgid, sleeperPid.pid, 'each service leads its own process group');
  assert.notEqual(sleeperPid.pgid, record.pgid);
});

test('files outside the root dir or allowed prefixes are refused and reported', async (t) => {
  const { base, dir, controller, launch } = setup(t);
  await controller.start(
    launch({ files: [{ path: '../escape.txt', content: 'x' }], services: [sleeper] }),
  );
  const status = await until('status', () => controller.status(dir));
  assert.match(status.errors.join(), /escapes the root dir/);
  assert.ok(!fs.existsSync(path.join(base, 'escape.txt')));
});

test('stop ends services and the agent; a stale pid file is never signalled', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  const record = await controller.start(launch({ services: [sleeper] }));
  const service = await until('sleeper pid', () => readPidFile(layout.servicePid('sleeper')));
  await controller.stop(dir);
  assert.ok(!isRunning(record.pid));
  assert.ok(!isRunning(service.pid));
  assert.ok(!fs.existsSync(layout.agentPid));
  assert.equal(controller.status(dir)?.agent.state, 'stopped');
  // A pid file naming some other live process (here: this test) must not be trusted.
  writePidFile(layout.agentPid, process.pid);
  assert.equal(controller.find(dir), undefined);
  await controller.stop(dir);
  assert.ok(isRunning(process.pid));
});

test('stop ends stopFirst services before the others get SIGTERM', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  const loop = 'while :; do sleep 0.1; done';
  await controller.start(
    launch({
      services: [
        {
          name: 'later',
          command: 'sh',
          args: [
            '-c',
            `trap '[ -e first-done ] && echo after > later.txt; exit 0' TERM; : > later-up; ${loop}`,
          ],
        },
        {
          name: 'first',
          command: 'sh',
          args: ['-c', `trap 'sleep 0.3; echo > first-done; exit 0' TERM; : > first-up; ${loop}`],
          stopFirst: true,
        },
      ],
    }),
  );
  const up = (name: string) => fs.existsSync(path.join(layout.rootDir, `${name}-up`));
  await until('both services trapping SIGTERM', () => up('later') && up('first'));
  await controller.stop(dir);
  assert.equal(fs.readFileSync(path.join(layout.rootDir, 'later.txt'), 'utf8'), 'after\n');
});

test('stop reverses the start order: a service outlives those that start after it, within its grace', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  const loop = 'while :; do sleep 0.1; done';
  // `store` stands for etcd, `api` for an API server that drains for a while after SIGTERM
  // (longer than the default 5 s grace would allow): `store` must still run when `api` exits.
  const trapping = (name: string, onTerm: string) => ({
    name,
    command: 'sh',
    args: ['-c', `trap '${onTerm}; exit 0' TERM; : > ${name}-up; ${loop}`],
  });
  await controller.start(
    launch({
      services: [
        { ...trapping('worker', 'echo > worker-done'), after: ['api'] },
        {
          ...trapping('api', 'sleep 6; [ -e store-done ] || echo > api-done-first'),
          after: ['store'],
          stopTimeoutSec: 20,
        },
        trapping('store', '[ -e worker-done ] && [ -e api-done-first ] && echo ok > store.txt'),
      ],
    }),
  );
  const up = (name: string) => fs.existsSync(path.join(layout.rootDir, `${name}-up`));
  await until('every service trapping SIGTERM', () => up('worker') && up('api') && up('store'));
  // The agent's whole stop takes > 6 s here: a controller that waits for it.
  await new AgentController({ stopTimeoutMs: 30_000 }).stop(dir);
  assert.equal(fs.readFileSync(path.join(layout.rootDir, 'store.txt'), 'utf8'), 'ok\n');
});

test('crash kills agent and services with SIGKILL; start afterwards brings everything back', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  const first = await controller.start(launch({ services: [sleeper] }));
  const service = await until('sleeper pid', () => readPidFile(layout.servicePid('sleeper')));
  await controller.crash(dir);
  assert.ok(!isRunning(first.pid) && !isRunning(service.pid));
  assert.equal(controller.status(dir)?.agent.state, 'running', 'a crashed agent cannot report');
  const second = await controller.start(launch({ services: [sleeper] }));
  assert.notEqual(second.pid, first.pid);
  await until('sleeper restarted', () => {
    const r = readPidFile(layout.servicePid('sleeper'));
    return r !== undefined && r.pid !== service.pid && isRunning(r.pid);
  });
});

test('reload applies new user data: new services start, changed ones restart', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  await controller.start(launch({ services: [sleeper] }));
  const before = await until('sleeper pid', () => readPidFile(layout.servicePid('sleeper')));
  assert.equal(
    await controller.reload(dir, {
      files: [{ path: 'new.txt', content: 'v2' }],
      services: [sleeper, { name: 'second', command: 'sleep', args: ['601'] }],
    }),
    true,
  );
  await until(
    'second service',
    () => controller.status(dir)?.services.find((s) => s.name === 'second')?.state === 'running',
  );
  assert.equal(
    readPidFile(layout.servicePid('sleeper'))?.pid,
    before.pid,
    'unchanged service kept',
  );
  assert.equal(fs.readFileSync(path.join(layout.rootDir, 'new.txt'), 'utf8'), 'v2');
  await controller.reload(dir, { services: [{ ...sleeper, args: ['602'] }] });
  await until('sleeper restarted with new args and second stopped', () => {
    const s = controller.status(dir);
    const pid = readPidFile(layout.servicePid('sleeper'))?.pid;
    return s?.services.length === 1 && pid !== undefined && pid !== before.pid;
  });
  assert.ok(!isRunning(before.pid));
});

test('the agent outlives the process that started it and a fresh controller adopts it', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  await controller.prepare(launch({ services: [sleeper] }));
  const script = `
    const { AgentController } = await import(${JSON.stringify(new URL('./agent-control.js', import.meta.url).href)});
    const launch = JSON.parse(process.argv[1]);
    const record = await new AgentController().start(launch);
    console.log(JSON.stringify(record));
    process.exit(0);`;
  const out = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(launch({ services: [sleeper] }))],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(out.status, 0, out.stderr);
  const started = JSON.parse(out.stdout) as { pid: number };
  await until('service', () => readPidFile(layout.servicePid('sleeper')));
  assert.ok(isRunning(started.pid), 'agent survives its starter');
  const adopted = new AgentController().find(dir);
  assert.equal(adopted?.pid, started.pid);
  const again = await new AgentController().start(launch({ services: [sleeper] }));
  assert.equal(again.pid, started.pid, 'start is idempotent: no second agent');
  await controller.stop(dir);
  assert.ok(!isRunning(started.pid));
});

test('a reload signals only the services that read a changed file', async (t) => {
  const { dir, controller, launch, layout } = setup(t);
  // Each service appends "hup" to its own file on SIGHUP.
  const listener = (name: string, reloadOn?: string[]) => ({
    name,
    command: 'sh',
    args: ['-c', `trap 'echo hup >> ${name}.hups' HUP; while :; do sleep 0.05; done`],
    reloadSignal: 'SIGHUP' as const,
    ...(reloadOn === undefined ? {} : { reloadOn }),
  });
  const services = [listener('any'), listener('vrrp', ['vrrp.conf'])];
  const files = (haproxy: string, vrrp: string) => [
    { path: 'haproxy.cfg', content: haproxy },
    { path: 'vrrp.conf', content: vrrp },
  ];
  await controller.start(launch({ files: files('h1', 'v1'), services }));
  await until('both running', () =>
    controller.status(dir)?.services.every((s) => s.state === 'running') === true
      ? true
      : undefined,
  );
  const hups = (name: string) => {
    const file = path.join(layout.rootDir, `${name}.hups`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;
  };
  await controller.reload(dir, { files: files('h2', 'v1'), services });
  await until('the service reading any file reloaded', () =>
    hups('any') === 1 ? true : undefined,
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(hups('vrrp'), 0, 'a new haproxy.cfg does not reload the VRRP service');
  await controller.reload(dir, { files: files('h2', 'v2'), services });
  await until('the VRRP service reloaded', () => (hups('vrrp') === 1 ? true : undefined));
  assert.equal(hups('any'), 2);
});
