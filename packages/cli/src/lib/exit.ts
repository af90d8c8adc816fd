/**
 * How the CLI ends: exit codes (a documented contract, see docs/cli.md) and one place that turns
 * any error into a single `berth: …` line — never a stack trace.
 */
import { ApiError, OperationFailedError, TargetFailedError, WaitTimeoutError } from '@berth/client';
import type { CliIo } from './io.js';

export const EXIT = {
  ok: 0,
  /** Bad usage, a refused or failed API call, an unreachable server. */
  error: 1,
  /** The operation waited for ended Failed, or its target is in Error so it cannot finish. */
  operationFailed: 2,
  /** `--timeout` passed before the operation ended (it may still finish). */
  timedOut: 3,
  /** Ctrl-C while waiting; the operation carries on. */
  interrupted: 130,
} as const;

/** A mistake in the command line or its files, reported without a code. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The line printed for `err`, e.g. `spec.controlPlane.count: must be 1, 3 or 5 (BERTH_ERR_VALIDATION)`. */
export function describeError(err: unknown): string {
  if (err instanceof OperationFailedError) {
    const { kind, target } = err.operation;
    const field = err.field ? `${err.field}: ` : '';
    return `${kind} of ${target.kind} "${target.name}" failed: ${field}${err.message} (${err.code})`;
  }
  if (err instanceof TargetFailedError) {
    const { kind, target, id } = err.operation;
    return `${kind} of ${target.kind} "${target.name}" cannot finish: ${err.reason} (operation ${id} stays open; fix the cause or delete)`;
  }
  if (err instanceof ApiError) {
    const field = err.field ? `${err.field}: ` : '';
    return `${field}${err.message} (${err.code})`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof OperationFailedError || err instanceof TargetFailedError)
    return EXIT.operationFailed;
  if (err instanceof WaitTimeoutError) return EXIT.timedOut;
  if (err instanceof InterruptedError) return EXIT.interrupted;
  return EXIT.error;
}

/**
 * Wraps a command action: errors become one line on stderr and an exit code; nothing is thrown
 * back into commander.
 */
export function action<A extends unknown[]>(
  io: CliIo,
  run: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await run(...args);
      if (code) io.setExitCode(code);
    } catch (err) {
      io.stderr.write(`berth: ${describeError(err)}\n`);
      io.setExitCode(exitCodeOf(err));
    }
  };
}

/** Ctrl-C while waiting: the operation carries on; the message says how to look at it again. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}
