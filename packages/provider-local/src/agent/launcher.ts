/**
 * Starting long-lived detached processes (the agent). Not a CommandRunner job: the caller does
 * not wait for them, and they must outlive the caller. The fake records launches for unit tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '@berth/errors';

export interface LaunchOptions {
  /** stdout and stderr are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ProcessLauncher {
  /** Starts `command args…` in a new session and process group; returns its pid. */
  launch(command: string, args: readonly string[], options: LaunchOptions): number;
}

export class DetachedLauncher implements ProcessLauncher {
  launch(command: string, args: readonly string[], options: LaunchOptions): number {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = fs.openSync(options.logFile, 'a', 0o644);
    try {
      const child = spawn(command, args, {
        detached: true,
        stdio: ['ignore', log, log],
        env: options.env ?? minimalEnv(),
        cwd: options.cwd ?? '/',
      });
      // The process outlives us; only reaping remains our job, and libuv does that.
      child.unref();
      child.on('error', () => undefined);
      if (child.pid === undefined) {
        throw new BerthError('BERTH_ERR_COMMAND_FAILED', `${command} could not be started`);
      }
      return child.pid;
    } finally {
      fs.closeSync(log);
    }
  }
}

/** The environment detached processes get: nothing of the caller's secrets, just a PATH. */
export function minimalEnv(): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
  };
}

export class FakeLauncher implements ProcessLauncher {
  readonly launches: Array<{ command: string; args: readonly string[]; options: LaunchOptions }> =
    [];
  private nextPid = 100_000;

  launch(command: string, args: readonly string[], options: LaunchOptions): number {
    this.launches.push({ command, args, options });
    return this.nextPid++;
  }
}
