/**
 * The one seam through which Berth runs external commands (ip, nft, go, haproxy, …).
 * Production code takes a `CommandRunner`; unit tests pass a `FakeRunner` that records calls
 * and answers from scripted responses.
 */
import { BerthError } from '@berth/errors';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed. */
  input?: string;
  signal?: AbortSignal;
  /** Kill the child (SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
  /** When false, a non-zero exit resolves instead of throwing. Default true. */
  check?: boolean;
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
   * exits non-zero (unless `check: false`) or cannot start, and BERTH_ERR_TIMEOUT on timeout.
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
