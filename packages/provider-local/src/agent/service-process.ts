/**
 * One supervised service: started in its own session and process group, its pid recorded,
 * restarted by policy with exponential backoff, and stopped with SIGTERM then SIGKILL to the
 * whole group so no grandchild outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { signalGroup } from '../proc/proc.js';
import { writePidFile } from '../proc/pid-file.js';
import type { ServiceSpec } from './user-data.js';

export type ServiceState = 'starting' | 'running' | 'backoff' | 'exited' | 'stopping' | 'stopped';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  pid?: number;
  restarts: number;
  lastExit?: { code: number | null; signal: string | null; at: string };
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long resets the backoff. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 250,
  maxMs: 10_000,
  resetAfterMs: 10_000,
};

export interface ServiceEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  pidFile: string;
  logFile: string;
  backoff: BackoffPolicy;
  /** Called after every state change (the agent rewrites status.json). */
  onChange: () => void;
}

export class ServiceProcess {
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private streak = 0;
  private startedAt = 0;
  private exited: Promise<void> = Promise.resolve();
  readonly status: ServiceStatus;

  constructor(
    readonly spec: ServiceSpec,
    private readonly envt: ServiceEnvironment,
  ) {
    this.status = { name: spec.name, state: 'starting', restarts: 0 };
  }

  start(): void {
    const log = fs.openSync(this.envt.logFile, 'a', 0o644);
    let child: ChildProcess;
    try {
      child = spawn(this.spec.command, this.spec.args ?? [], {
        cwd: this.envt.cwd,
        env: { ...this.envt.env, ...this.spec.env },
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      fs.closeSync(log);
    }
    this.child = child;
    this.startedAt = Date.now();
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: string | null) => {
        if (done) return;
        done = true;
        this.onExit(child, code, signal);
        resolve();
      };
      child.once('error', (err) => {
        fs.appendFileSync(this.envt.logFile, `berth-agent: cannot start: ${err.message}\n`);
        finish(127, null);
      });
      child.once('exit', finish);
    });
    if (child.pid !== undefined) {
      writePidFile(this.envt.pidFile, child.pid);
      this.set({ state: 'running', pid: child.pid });
    }
  }

  /** SIGTERM to the group, SIGKILL after the grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    const child = this.child;
    this.set({ state: 'stopping' });
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      signalGroup(child.pid, 'SIGTERM');
      const grace = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), this.graceMs());
      await this.exited;
      clearTimeout(grace);
    }
    this.set({ state: 'stopped', pid: undefined });
  }

  /** Delivers a reload signal to the service's group, if it runs. */
  signal(signal: NodeJS.Signals): void {
    if (this.child?.pid !== undefined && this.status.state === 'running') {
      signalGroup(this.child.pid, signal);
    }
  }

  private graceMs(): number {
    return (this.spec.stopTimeoutSec ?? 5) * 1000;
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (child !== this.child) return;
    // Whatever the service left in its group (a shell's children) goes with it.
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    fs.rmSync(this.envt.pidFile, { force: true });
    const lastExit = { code, signal, at: new Date().toISOString() };
    if (this.status.state === 'stopping') {
      this.set({ lastExit });
      return;
    }
    if (!this.shouldRestart(code, signal)) {
      this.set({ state: 'exited', pid: undefined, lastExit });
      return;
    }
    const delay = this.nextDelay();
    this.set({ state: 'backoff', pid: undefined, lastExit });
    this.timer = setTimeout(() => {
      this.status.restarts += 1;
      this.start();
    }, delay);
  }

  private shouldRestart(code: number | null, signal: string | null): boolean {
    const policy = this.spec.restart ?? 'always';
    if (policy === 'never') return false;
    return policy === 'always' || code !== 0 || signal !== null;
  }

  private nextDelay(): number {
    const { initialMs, maxMs, resetAfterMs } = this.envt.backoff;
    if (Date.now() - this.startedAt >= resetAfterMs) this.streak = 0;
    const delay = Math.min(maxMs, initialMs * 2 ** this.streak);
    this.streak += 1;
    return delay;
  }

  private set(patch: Partial<ServiceStatus>): void {
    Object.assign(this.status, patch);
    if ('pid' in patch && patch.pid === undefined) delete this.status.pid;
    this.envt.onChange();
  }
}
