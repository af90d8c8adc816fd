import { spawn } from 'node:child_process';
import { BerthError } from '@berth/errors';
import { commandFailed, type CommandRunner, type RunOptions, type RunResult } from './runner.js';

/** Runs commands as child processes of this process. */
export class ProcessRunner implements CommandRunner {
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new BerthError('BERTH_ERR_TIMEOUT', `${command} not started: aborted`));
        return;
      }
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
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
        stdout += chunk;
        options.onOutput?.(chunk, 'stdout');
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        options.onOutput?.(chunk, 'stderr');
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(
          new BerthError('BERTH_ERR_COMMAND_FAILED', `${command}: ${err.message}`, { cause: err }),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const result: RunResult = {
          command,
          args,
          exitCode: code ?? (signal ? 128 : 1),
          stdout,
          stderr,
          durationMs: Date.now() - started,
        };
        if (timedOut) {
          reject(
            new BerthError(
              'BERTH_ERR_TIMEOUT',
              `${command} timed out after ${options.timeoutMs} ms`,
            ),
          );
        } else if (result.exitCode !== 0 && options.check !== false) {
          reject(commandFailed(result));
        } else {
          resolve(result);
        }
      });
    });
  }
}
