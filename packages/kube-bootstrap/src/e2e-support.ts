/**
 * Helpers for end-to-end tests that run real control-plane processes: free loopback ports,
 * processes started with their output in a log file and stopped by PID, bounded polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port the kernel just handed out on 127.0.0.1 and released; racy only against other binds. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningProcess {
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited(): boolean;
  logTail(lines?: number): string;
}

export function startProcess(binary: string, args: string[], logFile: string): RunningProcess {
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => ((exited = true), resolve())),
  );
  child.once('error', () => (exited = true));
  if (child.pid === undefined) throw new Error(`could not start ${binary}`);
  const pid = child.pid;
  return {
    pid,
    exited: () => exited,
    async stop(graceMs = 10_000) {
      if (exited) return;
      process.kill(pid, 'SIGTERM');
      const killed = await Promise.race([
        exit.then(() => true),
        sleep(graceMs, undefined, { ref: false }).then(() => false),
      ]);
      if (!killed && !exited) {
        process.kill(pid, 'SIGKILL');
        await exit;
      }
    },
    logTail(lines = 30) {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    },
  };
}

/** Thrown by a probe to end the wait at once (a process died: waiting longer cannot help). */
export class StopWaiting extends Error {}

/**
 * Polls `probe` until it returns a value other than undefined; throws after `timeoutMs`, or at
 * once when the probe throws StopWaiting. Other probe errors count as "not yet".
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      lastError = err;
    }
    await sleep(500);
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000}s waiting for ${what}: ${String(lastError ?? '')}`,
  );
}
