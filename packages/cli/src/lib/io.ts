/**
 * Everything a command touches outside itself, so tests can run commands in-process with
 * captured output, a chosen environment and a fake clock. `processIo()` is the real one.
 */
import os from 'node:os';
import type { Fetch } from '@berth/client';

export interface Writer {
  write(text: string): unknown;
  /** True when the stream is a terminal (live progress lines are drawn only then). */
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  env: Record<string, string | undefined>;
  homedir: () => string;
  now: () => Date;
  /** Replaces the transport's fetch (tests); the global fetch when undefined. */
  fetch?: Fetch | undefined;
  /** Calls `handler` on Ctrl-C until the returned function is called. */
  onInterrupt: (handler: () => void) => () => void;
  /** Sets the exit code the process ends with (without ending it). */
  setExitCode: (code: number) => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    homedir: () => os.homedir(),
    now: () => new Date(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}
