/**
 * Everything a command touches outside itself, so tests can run commands in-process with
 * captured output, a chosen environment and a fake clock. `processIo()` is the real one.
 */
import os from 'node:os';
import { createInterface } from 'node:readline/promises';
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
  /** All of standard input (for `--password-stdin`). */
  readStdin?: () => Promise<string>;
  /** Asks on the terminal without echo; undefined when there is no terminal. */
  readPassword?: ((prompt: string) => Promise<string>) | undefined;
  /** Asks a yes/no question on the terminal (true for yes); undefined when there is no terminal. */
  confirm?: ((prompt: string) => Promise<boolean>) | undefined;
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
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    readPassword: process.stdin.isTTY ? promptHidden : undefined,
    confirm: process.stdin.isTTY && process.stderr.isTTY ? promptYes : undefined,
  };
}

/** Reads one answer line from the terminal; only `y` or `yes` (any case) is a yes. */
async function promptYes(prompt: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(prompt)).trim());
  } finally {
    rl.close();
  }
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('interrupted'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
