/**
 * The one seam through which Berth runs external commands (ip, nft, go, haproxy, …).
 * Production code takes a `CommandRunner`; unit tests pass a `FakeRunner` that records calls
 * and answers from scripted responses.
 */
import { BerthError } from '@berth/errors';

export interface RunOptions {
  cwd?: string;
  /**
   * Variables set on top of the runner's base environment (a `ProcessRunner`'s `env`, by default
   * this process's environment, read when the command starts); a key whose value is `undefined`
   * removes that variable. Without `env` the child gets the base environment unchanged.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Written to the child's stdin, then closed. */
  input?: string;
  signal?: AbortSignal;
  /** Kill the child (SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
  /**
   * When false, a non-zero exit resolves instead of throwing, and so does a command that does
   * not exist: it resolves with exit code 127 and stderr `<command>: command not found`, as a
   * shell reports it. Default true.
   */
  check?: boolean;
  /**
   * Keep only the last this many characters of stdout and of stderr (each), so a command that
   * prints without end cannot exhaust memory; the end of a failed build's output is the part
   * that explains it. `onOutput` still sees every chunk. Default: keep everything.
   */
  maxOutputChars?: number;
  /** Called with each chunk of output as it arrives (for live progress). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  command: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CommandRunner {
  /**
   * Runs `command args…` to completion. Throws BERTH_ERR_COMMAND_FAILED when the command
   * exits non-zero or does not exist (unless `check: false`) or cannot start for another reason
   * (e.g. not executable), and BERTH_ERR_TIMEOUT on timeout, whatever `check` says.
   */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** Error for a command that exited non-zero; stderr's tail explains why to a person. */
export function commandFailed(result: RunResult): BerthError {
  const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
  return new BerthError(
    'BERTH_ERR_COMMAND_FAILED',
    `${result.command} ${result.args.join(' ')} exited ${result.exitCode}${tail ? `: ${tail}` : ''}`,
    { details: { command: result.command, exitCode: result.exitCode } },
  );
}
