/**
 * Runs one long-lived child process and keeps it running: restarted after it dies, with a
 * backoff from 250 ms doubling to 10 s (reset by a run of 30 s), until `stop()`, which sends
 * SIGTERM and SIGKILL after `stopTimeoutMs`. Output is appended to a log file, never to Berth's
 * log. The child gets only the environment it is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface SupervisorOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr go here. */
  logFile: string;
  stopTimeoutMs?: number;
  onExit?: (info: {
    code: number | null;
    signal: NodeJS.Signals | null;
    restartInMs: number;
  }) => void;
  onSpawnError?: (err: Error) => void;
  /** Called with each new child's pid (to record it for the next start's cleanup). */
  onStart?: (pid: number) => void;
}

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
const HEALTHY_RUN_MS = 30_000;

export class Supervisor {
  readonly #options: SupervisorOptions;
  #child: ChildProcess | undefined;
  #stopping = false;
  #backoffMs = FIRST_BACKOFF_MS;
  #timer: NodeJS.Timeout | undefined;
  #restarts = 0;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get restarts(): number {
    return this.#restarts;
  }

  start(): void {
    this.#stopping = false;
    this.#spawn();
  }

  #spawn(): void {
    const fd = openSync(this.#options.logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(this.#options.command, [...this.#options.args], {
        env: this.#options.env,
        cwd: this.#options.cwd,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const startedAt = Date.now();
    this.#child = child;
    if (child.pid !== undefined) this.#options.onStart?.(child.pid);
    child.on('error', (err) => this.#options.onSpawnError?.(err));
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      if (this.#stopping) return;
      if (Date.now() - startedAt >= HEALTHY_RUN_MS) this.#backoffMs = FIRST_BACKOFF_MS;
      const restartInMs = this.#backoffMs;
      this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
      this.#options.onExit?.({ code, signal, restartInMs });
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#stopping) return;
        this.#restarts++;
        this.#spawn();
      }, restartInMs);
    });
  }

  /** Stops the child (SIGTERM, then SIGKILL) and any pending restart. Safe to repeat. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), this.#options.stopTimeoutMs ?? 10_000);
    await exited;
    clearTimeout(timeout);
  }
}
