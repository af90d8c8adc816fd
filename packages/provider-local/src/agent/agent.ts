/**
 * The server agent: the "init" of a local server. Reads its config and user data, writes the
 * files, supervises the services, reports through status.json, re-reads user data on SIGHUP
 * and, on SIGTERM or SIGINT, stops every service and exits.
 */
import fs from 'node:fs';
import { applyBlockLimits, blkioGroupOf, type DeviceLimits } from '../machine/blkio.js';
import { errorMessage } from './errors.js';
import type { ServerLayout } from './layout.js';
import { applyFiles } from './files.js';
import { writePidFile } from '../proc/pid-file.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './service-process.js';
import { writeStatus, type AgentState } from './status.js';
import { Supervisor } from './supervisor.js';
import { validateUserData, type AgentConfig, type UserData } from './user-data.js';

/** How soon a new container's group gets its node's block limits. */
const BLOCK_LIMITS_INTERVAL_MS = 1000;

export interface AgentOptions {
  layout: ServerLayout;
  backoff?: BackoffPolicy;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

export class Agent {
  private state: AgentState = 'starting';
  private errors: string[] = [];
  private readonly startedAt = new Date().toISOString();
  private readonly config: AgentConfig;
  private readonly supervisor: Supervisor;
  private work: Promise<void> = Promise.resolve();
  private blockLimitTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AgentOptions) {
    const { layout } = options;
    this.config = JSON.parse(fs.readFileSync(layout.config, 'utf8')) as AgentConfig;
    this.supervisor = new Supervisor({
      layout,
      env: this.serviceEnv(),
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      onChange: () => this.report(),
    });
  }

  /** Records the pid, applies user data and starts the services. */
  async start(): Promise<void> {
    // Into the machine's cgroup before anything starts, so every service inherits it.
    for (const procs of this.config.cgroupProcs ?? []) fs.writeFileSync(procs, String(process.pid));
    fs.mkdirSync(this.options.layout.rootDir, { recursive: true });
    writePidFile(this.options.layout.agentPid, process.pid);
    await this.serialise(() => this.applyUserData(false));
    this.state = 'running';
    this.report();
    this.keepBlockLimits();
    this.log('agent.started', { pid: process.pid });
  }

  /** Re-reads user data: files are rewritten, services reconciled. */
  reload(): Promise<void> {
    this.log('agent.reload');
    return this.serialise(() => this.applyUserData(true));
  }

  /** Stops every service, removes the pid file and reports `stopped`. */
  async shutdown(): Promise<void> {
    this.state = 'stopping';
    clearInterval(this.blockLimitTimer);
    this.report();
    await this.serialise(() => this.supervisor.stopAll());
    this.state = 'stopped';
    this.report();
    fs.rmSync(this.options.layout.agentPid, { force: true });
    this.log('agent.stopped');
  }

  private async applyUserData(isReload: boolean): Promise<void> {
    const data = this.readUserData();
    let changed: string[] = [];
    try {
      changed = applyFiles(
        this.options.layout.rootDir,
        this.config.allowedPathPrefixes,
        data.files ?? [],
      );
    } catch (err) {
      this.errors.push(errorMessage(err));
    }
    await this.supervisor.apply(data.services ?? [], isReload ? changed : []);
  }

  /**
   * cgroup v1 block throttling is per group, and kubelet and runc make groups below the server's
   * at any time: every second, the provider's limits go into each group that lacks them.
   */
  private keepBlockLimits(): void {
    const group = blkioGroupOf(this.config.cgroupProcs ?? []);
    if (group === undefined) return;
    const apply = () => {
      try {
        const text = fs.readFileSync(this.options.layout.blockLimits, 'utf8');
        applyBlockLimits(group, JSON.parse(text) as DeviceLimits[]);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          this.log('agent.block-limits-failed', { error: errorMessage(err) });
      }
    };
    apply();
    this.blockLimitTimer = setInterval(apply, BLOCK_LIMITS_INTERVAL_MS);
    this.blockLimitTimer.unref();
  }

  private readUserData(): UserData {
    this.errors = [];
    try {
      const text = fs.readFileSync(this.options.layout.userData, 'utf8');
      return validateUserData(JSON.parse(text));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      this.errors.push(`user data: ${errorMessage(err)}`);
      return {};
    }
  }

  private serviceEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: this.options.layout.rootDir,
      HOSTNAME: this.config.hostname,
      BERTH_SERVER_ID: this.config.serverId,
      BERTH_HOSTNAME: this.config.hostname,
      BERTH_SERVER_ROOT: this.options.layout.rootDir,
      ...this.config.env,
    };
  }

  private serialise(op: () => Promise<void>): Promise<void> {
    const next = this.work.then(op, op);
    this.work = next.catch(() => undefined);
    return next;
  }

  private report(): void {
    writeStatus(this.options.layout.status, {
      serverId: this.config.serverId,
      hostname: this.config.hostname,
      agent: { pid: process.pid, state: this.state, startedAt: this.startedAt },
      services: this.supervisor.statuses(),
      errors: this.errors,
    });
  }

  private log(event: string, fields: Record<string, unknown> = {}): void {
    this.options.log?.(event, { server: this.config.serverId, ...fields });
  }
}
