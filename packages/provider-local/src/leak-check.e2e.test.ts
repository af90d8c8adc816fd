/** The leak checker must see each kind of leftover, or the e2e suites' "no leaks" means nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkLeaks, isClean } from './leak-check.js';
import { writePidFile } from './proc/pid-file.js';
import { e2eSkip, createE2eEnv } from './testing/e2e-env.js';
import { until } from '@berth/test-kit';

test(
  'the leak checker reports namespaces, links, tables, processes and files',
  { skip: e2eSkip },
  async (t) => {
    const env = await createE2eEnv();
    const run = (cmd: string, args: string[]) => env.runner.run(cmd, args, { check: false });
    const ns = `${env.prefix}s-leak`;
    const bridge = `${env.prefix}bleak`;
    const table = `${env.prefix}guard`;
    const children: ChildProcess[] = [];
    t.after(async () => {
      for (const child of children) child.kill('SIGKILL');
      await run('ip', ['netns', 'del', ns]);
      await run('ip', ['link', 'del', bridge]);
      await run('nft', ['delete', 'table', 'inet', table]);
      fs.rmSync(env.dataDir, { recursive: true, force: true });
    });
    const start = (cmd: string, args: string[]) => {
      const child = spawn(cmd, args, { stdio: 'ignore' });
      children.push(child);
      return child;
    };
    await env.runner.run('ip', ['netns', 'add', ns]);
    await env.runner.run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await env.runner.run('nft', ['add', 'table', 'inet', table]);
    fs.mkdirSync(path.join(env.dataDir, 'servers', 'x'), { recursive: true });
    fs.writeFileSync(path.join(env.dataDir, 'inventory.json'), '{}');
    const inNs = start('ip', ['netns', 'exec', ns, 'sleep', '600']);
    const byArgv = start(process.execPath, [
      '-e',
      'setTimeout(() => {}, 600000)',
      path.join(env.dataDir, 'marker'),
    ]);
    const byPidFile = start('sleep', ['602']);
    await until('sleep to start', () => fs.existsSync(`/proc/${byPidFile.pid}`));
    writePidFile(path.join(env.dataDir, 'servers', 'x', 'agent.pid'), byPidFile.pid as number);

    const report = await until('all three processes to show', async () => {
      const r = await checkLeaks({
        runner: env.runner,
        prefix: env.prefix,
        dataDir: env.dataDir,
        allowFiles: ['inventory.json'],
      });
      return r.processes.length === 3 ? r : undefined;
    });
    assert.deepEqual(report.namespaces, [ns]);
    assert.deepEqual(report.links, [bridge]);
    assert.deepEqual(report.nftTables, [`inet ${table}`]);
    assert.deepEqual(
      report.processes.map((p) => p.pid).sort(),
      [inNs.pid, byArgv.pid, byPidFile.pid].sort(),
    );
    assert.deepEqual(report.files, ['servers/x/agent.pid']);
    assert.equal(isClean(report), false);
  },
);

test(
  'the leak checker reports volume files and loop devices over them, also once the file is deleted',
  { skip: e2eSkip },
  async (t) => {
    const env = await createE2eEnv();
    const file = path.join(env.dataDir, 'volumes', 'ssd', 'leaked.img');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 64 * 1024 * 1024);
    const device = (await env.runner.run('losetup', ['--find', '--show', file])).stdout.trim();
    t.after(async () => {
      await env.runner.run('losetup', ['--detach', device], { check: false });
      fs.rmSync(env.dataDir, { recursive: true, force: true });
    });
    const check = () =>
      checkLeaks({ runner: env.runner, prefix: env.prefix, dataDir: env.dataDir });
    const report = await check();
    assert.deepEqual(report.loopDevices, [`${device} → ${file}`]);
    assert.deepEqual(report.files, ['volumes/ssd/leaked.img']);

    fs.rmSync(file);
    const afterDelete = await check();
    assert.deepEqual(
      afterDelete.loopDevices,
      [`${device} → ${file}`],
      'a deleted file still leaks',
    );
    assert.deepEqual(afterDelete.files, []);

    await env.runner.run('losetup', ['--detach', device]);
    await until('the loop device to go', async () => (await check()).loopDevices.length === 0);
    assert.equal(isClean(await check()), true);
  },
);
