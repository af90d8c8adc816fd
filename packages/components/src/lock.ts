/**
 * Cross-process lock per (component, version) so two concurrent installs never build into the
 * same cache entry. proper-lockfile creates `<target>.lock` with mkdir (atomic) and refreshes
 * its mtime while held; a lock not refreshed for `staleMs` belongs to a dead process and is taken
 * over. Waiting is unbounded (a cold build takes minutes) but follows the caller's AbortSignal.
 */
import lockfile from 'proper-lockfile';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockOptions {
  signal?: AbortSignal;
  /** Called once when the lock is held by someone else and this call starts waiting. */
  onWait?: () => void;
  staleMs?: number;
  pollMs?: number;
}

export async function withLock<T>(
  target: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const release = await acquire(target, options);
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

async function acquire(target: string, options: LockOptions): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 20_000;
  let announced = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await lockfile.lock(target, {
        realpath: false,
        stale: staleMs,
        update: Math.floor(staleMs / 4),
        retries: 0,
        // A lock lost while building means another process took over; it will redo the work.
        onCompromised: () => undefined,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (!announced) options.onWait?.();
      announced = true;
      await sleep(options.pollMs ?? 250, undefined, { signal: options.signal });
    }
  }
}
