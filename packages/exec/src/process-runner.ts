import { spawn } from 'node:child_process';
import { BerthError } from '@berth/errors';
import { appendOutput } from './capture.js';
import { commandFailed, type CommandRunner, type RunOptions, type RunResult } from './runner.js';

export interface ProcessRunnerOptions {
  /**
   * The environment every command starts from; a run's `env` is applied on top of it. Default:
   * this process's environment as it is when each command starts.
   */
  env?: NodeJS.ProcessEnv;
}

/** What a shell answers for a command it cannot find; `check: false` resolves with it. */
const NOT_FOUND_EXIT = 127;

/** Runs commands as child processes of this process. */
export class ProcessRunner implements CommandRunner {
  constructor(private readonly options: ProcessRunnerOptions = {}) {}

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const started = Date.now();
    const result = (exitCode: number, stdout: string, stderr: string): RunResult => ({
      command,
      args,
      exitCode,
      stdout,
      stderr,
      durationMs: Date.now() - started,
    });
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new BerthError('BERTH_ERR_TIMEOUT', `${command} not started: aborted`));
        return;
      }
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: childEnv(this.options.env ?? process.env, options.env),
        signal: options.signal,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, options.timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = appendOutput(stdout, chunk, options.maxOutputChars);
        options.onOutput?.(chunk, 'stdout');
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = appendOutput(stderr, chunk, options.maxOutputChars);
        options.onOutput?.(chunk, 'stderr');
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err.code === 'ENOENT' && options.check === false) {
          resolve(result(NOT_FOUND_EXIT, '', `${command}: command not found`));
          return;
        }
        reject(
          new BerthError('BERTH_ERR_COMMAND_FAILED', `${command}: ${err.message}`, { cause: err }),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const done = result(code ?? (signal ? 128 : 1), stdout, stderr);
        if (timedOut) {
          reject(
            new BerthError(
              'BERTH_ERR_TIMEOUT',
              `${command} timed out after ${options.timeoutMs} ms`,
            ),
          );
        } else if (done.exitCode !== 0 && options.check !== false) {
          reject(commandFailed(done));
        } else {
          resolve(done);
        }
      });
    });
  }
}

/** `base` with `overrides` applied: a string sets a variable, `undefined` removes it. */
function childEnv(base: NodeJS.ProcessEnv, overrides: RunOptions['env']): NodeJS.ProcessEnv {
  if (overrides === undefined) return base;
  const env = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
