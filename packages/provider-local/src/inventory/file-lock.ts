/**
 * An exclusive lock between processes (and between instances inside one process) on a file,
 * via a lock file created with O_EXCL that holds the owner's pid. A lock whose owner process
 * is gone (crashed mid-write) is broken; a live owner is waited for, up to a timeout. Creating
 * the file and writing the pid are two steps, so an owner killed between them leaves an empty
 * lock file: one that stays empty for longer than an owner needs to write is broken too.
 */
import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '@berth/errors';

/** Inventory writes take milliseconds; ten seconds of waiting means a stuck owner. */
const LOCK_TIMEOUT_MS = 10_000;
const RETRY_MS = 5;
/** An owner writes its pid microseconds after creating the file; empty for this long is stale. */
const EMPTY_STALE_MS = 2_000;

export async function withFileLock<R>(lockPath: string, fn: () => Promise<R>): Promise<R> {
  const token = `${process.pid} ${randomUUID()}`;
  await acquire(lockPath, token);
  try {
    return await fn();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, token: string): Promise<void> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      await fs.writeFile(lockPath, token, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await ownerIsGone(lockPath)) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new BerthError(
        'BERTH_ERR_TIMEOUT',
        `lock ${lockPath} held for over ${LOCK_TIMEOUT_MS} ms`,
      );
    }
    await sleep(RETRY_MS + Math.random() * RETRY_MS);
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const content = await fs.readFile(lockPath, 'utf8').catch(() => '');
  if (content === token) await fs.rm(lockPath, { force: true });
}

async function ownerIsGone(lockPath: string): Promise<boolean> {
  const content = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
  if (content === undefined) return false;
  if (content === '') {
    const stat = await fs.stat(lockPath).catch(() => undefined);
    return stat !== undefined && Date.now() - stat.mtimeMs > EMPTY_STALE_MS;
  }
  const pid = Number.parseInt(content.split(' ')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
