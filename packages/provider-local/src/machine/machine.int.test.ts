/**
 * A machine on the real host: its cgroup exists in every hierarchy with the flavor's limits and
 * holds processes that left their parent's session; halting kills them all and leaves no group,
 * mount or namespace file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ProcessRunner } from '@berth/exec';
import { skipUnless, until } from '@berth/test-kit';
import { cgroupPids, hierarchies, limitFiles } from './cgroups.js';
import { Machines } from './machine.js';
import { mountPoints } from './mount-ns.js';
import { isRunning } from '../proc/proc.js';

const isRoot = process.getuid?.() === 0;
const skip = skipUnless({
  root: isRoot,
  'cgroup hierarchies': fs.existsSync('/sys/fs/cgroup') && hierarchies().length > 0,
  'unshare and nsenter': ['/usr/bin/unshare', '/usr/bin/nsenter'].every((p) => fs.existsSync(p)),
});

test('limits follow the flavor on each hierarchy kind', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cg-'));
  try {
    const limits = { vcpus: 2, ramMiB: 4096 };
    assert.deepEqual(limitFiles(path.join(tmp, 'memory'), limits), [
      { file: 'memory.limit_in_bytes', value: String(4096 * 1024 * 1024) },
    ]);
    assert.deepEqual(limitFiles(path.join(tmp, 'cpu'), limits), [
      { file: 'cpu.cfs_period_us', value: '100000' },
      { file: 'cpu.cfs_quota_us', value: '200000' },
    ]);
    assert.deepEqual(limitFiles(path.join(tmp, 'pids'), limits), []);
    fs.writeFileSync(path.join(tmp, 'cgroup.controllers'), 'cpu memory');
    assert.deepEqual(limitFiles(tmp, limits), [
      { file: 'memory.max', value: String(4096 * 1024 * 1024) },
      { file: 'cpu.max', value: '200000 100000' },
    ]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a machine holds its processes and halting leaves nothing', { skip }, async (t) => {
  const prefix = `t${randomBytes(2).toString('hex')}-`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-${prefix}`));
  const machines = new Machines(new ProcessRunner(), prefix);
  const id = 'srv-1';
  t.after(async () => {
    await machines.halt(id, dir).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const booted = await machines.boot(id, dir, { vcpus: 1, ramMiB: 512 });
  const memory = hierarchies().find((h) => path.basename(h) === 'memory');
  if (memory !== undefined) {
    const limit = fs.readFileSync(path.join(memory, booted.cgroupPath, 'memory.limit_in_bytes'));
    assert.equal(Number(limit), 512 * 1024 * 1024);
  }
  // A process in the machine that escapes into a session of its own, as a containerd shim does.
  const join = booted.cgroupProcs.map((f) => `echo $$ > ${f}`).join('; ');
  const child = spawn(
    'nsenter',
    [
      `--mount=${booted.mountNamespace.file}`,
      '--',
      'sh',
      '-c',
      `${join}; setsid sleep 600 & sleep 600`,
    ],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
  const pids = await until('two processes in the machine', () => {
    const now = cgroupPids(booted.cgroupPath);
    return now.length >= 3 ? now : undefined;
  });
  assert.ok(pids.includes(child.pid!), 'the shell is in the machine');
  assert.ok(mountPoints().includes(booted.mountNamespace.file), 'the namespace is pinned');

  await machines.halt(id, dir);
  assert.deepEqual(cgroupPids(booted.cgroupPath), []);
  for (const pid of pids) assert.equal(isRunning(pid), false, `process ${pid} is gone`);
  const left = hierarchies().filter((h) => fs.existsSync(path.join(h, `${prefix}servers`)));
  assert.deepEqual(left, [], 'no group left in any hierarchy');
  assert.ok(!mountPoints().some((m) => m.startsWith(dir)), 'no mount left');
});
