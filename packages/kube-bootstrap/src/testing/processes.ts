/**
 * Helpers for end-to-end tests that run real control-plane processes: free loopback ports,
 * processes started with their output in a log file and stopped by PID, bounded polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

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
