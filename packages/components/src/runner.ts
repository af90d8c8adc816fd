/**
 * Every external command Berth's component code runs (go build, --version probes, doctor checks)
 * goes through a CommandRunner, so unit tests swap in the recording fake of fake-runner.ts.
 */
import { spawn } from 'node:child_process';
import { BerthError } from '@berth/errors';

export interface RunOptions {
  cwd?: string;
  /** Added to the runner's base environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export interface RunResult {
  /** 127 when the command does not exist, as a shell reports it. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  /**
   * Runs a command to completion. Resolves with its exit code whatever it is; rejects only when
   * the signal aborts (the child is killed first) or the process cannot be started at all.
   */
  run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
}

/** Keeps the last part of long outputs: the end of a failed `go build` is what explains it. */
const MAX_CAPTURE = 256 * 1024;

export function createProcessRunner(baseEnv: NodeJS.ProcessEnv = process.env): CommandRunner {
  return {
    run(command, args, options = {}) {
      return new Promise((resolve, reject) => {
        const env = mergeEnv(baseEnv, options.env);
        const child = spawn(command, args, {
          cwd: options.cwd,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on(
          'data',
          (d: Buffer) => (stdout = (stdout + d.toString()).slice(-MAX_CAPTURE)),
        );
        child.stderr.on(
          'data',
          (d: Buffer) => (stderr = (stderr + d.toString()).slice(-MAX_CAPTURE)),
        );
        const onAbort = () => child.kill('SIGTERM');
        options.signal?.addEventListener('abort', onAbort, { once: true });
        child.on('error', (err: NodeJS.ErrnoException) => {
          options.signal?.removeEventListener('abort', onAbort);
          if (err.code === 'ENOENT')
            resolve({ exitCode: 127, stdout, stderr: `${command}: command not found` });
          else
            reject(
              new BerthError('BERTH_ERR_COMMAND_FAILED', `cannot run ${command}: ${err.message}`),
            );
        });
        child.on('close', (code, signal) => {
          options.signal?.removeEventListener('abort', onAbort);
          if (options.signal?.aborted) reject(options.signal.reason);
          else resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
        });
      });
    },
  };
}

function mergeEnv(
  base: NodeJS.ProcessEnv,
  extra: Record<string, string | undefined> | undefined,
): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Throws BERTH_ERR_COMMAND_FAILED with the command's stderr tail unless it exited 0. */
export function assertSucceeded(result: RunResult, what: string): RunResult {
  if (result.exitCode === 0) return result;
  const tail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
  throw new BerthError('BERTH_ERR_COMMAND_FAILED', `${what} exited ${result.exitCode}:\n${tail}`, {
    details: { exitCode: result.exitCode },
  });
}
