import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFileLock } from './file-lock.js';

function lockFile(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lock-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'inventory.json.lock');
}

test('a lock left empty by an owner killed between create and write is broken once stale', async (t) => {
  const lock = lockFile(t);
  fs.writeFileSync(lock, '');
  const old = new Date(Date.now() - 10_000);
  fs.utimesSync(lock, old, old);
  assert.equal(await withFileLock(lock, async () => 'ran'), 'ran');
  assert.equal(fs.existsSync(lock), false, 'released');
});

test('a fresh empty lock is an owner about to write: it is waited for', async (t) => {
  const lock = lockFile(t);
  fs.writeFileSync(lock, '');
  let ran = false;
  const pending = withFileLock(lock, async () => {
    ran = true;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ran, false);
  fs.rmSync(lock);
  await pending;
  assert.equal(ran, true);
});

test('a lock whose owner process is gone, or that names no pid, is broken', async (t) => {
  const lock = lockFile(t);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  fs.writeFileSync(lock, `${gone.stdout.toString()} some-token`);
  assert.equal(await withFileLock(lock, async () => 1), 1);
  fs.writeFileSync(lock, 'garbage');
  assert.equal(await withFileLock(lock, async () => 2), 2);
});

test('a live owner is waited for: critical sections never overlap', async (t) => {
  const lock = lockFile(t);
  let inside = 0;
  let overlap = false;
  await Promise.all(
    Array.from({ length: 5 }, () =>
      withFileLock(lock, async () => {
        inside++;
        if (inside > 1) overlap = true;
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      }),
    ),
  );
  assert.equal(overlap, false);
});
