/**
 * The provider's side of the agent protocol: prepare a server directory, start the agent
 * detached inside the server's namespace, stop it, crash it (fault injection), reload its user
 * data, and re-adopt agents a previous provider instance started. A pid is signalled only after
 * its start time and command line prove it is the agent (or service) the pid file names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '@berth/errors';
import { writeFileAtomic } from '../fs-atomic.js';
import { readPidFile, verifyPid, type PidRecord } from '../proc/pid-file.js';
import { isRunning, signalGroup } from '../proc/proc.js';
import { serverLayout, type ServerLayout } from './layout.js';
import { DetachedLauncher, type ProcessLauncher } from './launcher.js';
import { readStatus, type AgentStatus } from './status.js';
import { validateUserData, type AgentConfig, type UserData } from './user-data.js';

export interface AgentControllerOptions {
  launcher?: ProcessLauncher;
  /** The node binary; default: the one running this process. */
  nodePath?: string;
  /** The agent entry point; default: this package's dist/agent/main.js. */
  agentScript?: string;
  /** How long start waits for the agent to record its pid. */
  startTimeoutMs?: number;
  /** How long stop waits for a graceful exit before killing. */
  stopTimeoutMs?: number;
}

export interface AgentLaunch {
  dir: string;
  /** The network namespace to run in; the host's when undefined (unit tests). */
  netns?: string;
  /**
   * A machine's mount namespace file: the agent then enters both namespaces with `nsenter`
   * (`ip netns exec` would remount /sys and hide the cgroup hierarchies from its daemons).
   */
  mountNamespace?: string;
  config: AgentConfig;
  userData: UserData;
}

const POLL_MS = 50;

export class AgentController {
  private readonly launcher: ProcessLauncher;
  private readonly nodePath: string;
  readonly agentScript: string;
  private readonly startTimeoutMs: number;
  private readonly stopTimeoutMs: number;

  constructor(options: AgentControllerOptions = {}) {
    this.launcher = options.launcher ?? new DetachedLauncher();
    this.nodePath = options.nodePath ?? process.execPath;
    this.agentScript = options.agentScript ?? fileURLToPath(new URL('./main.js', import.meta.url));
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 60_000;
  }

  /** Writes the agent's config and user data (the agent reads them at start and on reload). */
  async prepare(launch: AgentLaunch): Promise<ServerLayout> {
    const layout = serverLayout(launch.dir);
    fs.mkdirSync(layout.rootDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(launch.dir, 0o755);
    await writeFileAtomic(layout.config, JSON.stringify(launch.config, null, 2) + '\n');
    await writeFileAtomic(layout.userData, JSON.stringify(launch.userData, null, 2) + '\n');
    return layout;
  }

  /**
   * Starts the agent unless a verified one already runs (idempotent), and waits until it has
   * written the user-data files and started the services. Throws BERTH_ERR_TIMEOUT when it does
   * not come up.
   */
  async start(launch: AgentLaunch): Promise<PidRecord> {
    const layout = await this.prepare(launch);
    const running = this.find(launch.dir);
    if (running !== undefined) return running;
    fs.rmSync(layout.agentPid, { force: true });
    const argv = [this.agentScript, '--dir', launch.dir];
    const [command, args]: [string, string[]] =
      launch.netns === undefined
        ? [this.nodePath, argv]
        : launch.mountNamespace === undefined
          ? ['ip', ['netns', 'exec', launch.netns, this.nodePath, ...argv]]
          : [
              'nsenter',
              [
                `--net=/run/netns/${launch.netns}`,
                `--mount=${launch.mountNamespace}`,
                '--',
                this.nodePath,
                ...argv,
              ],
            ];
    const pid = this.launcher.launch(command, args, { logFile: layout.agentLog });
    return this.waitForPidFile(layout, pid);
  }

  /** The verified running agent of `dir` (e.g. one a previous provider instance started). */
  find(dir: string): PidRecord | undefined {
    const record = readPidFile(serverLayout(dir).agentPid);
    if (record === undefined) return undefined;
    return verifyPid(record, { argvIncludes: this.agentArgv(dir) }) ? record : undefined;
  }

  /** Stops the agent gracefully (it stops its services); kills everything after the timeout. */
  async stop(dir: string): Promise<void> {
    const record = this.find(dir);
    if (record !== undefined) {
      signalGroup(record.pgid, 'SIGTERM');
      if (await this.waitGone(record.pid, this.stopTimeoutMs)) return this.cleanup(dir);
    }
    await this.crash(dir);
  }

  /**
   * Fault injection and last resort: SIGKILL to the agent's process group and to every
   * service group, each verified first. Leaves pid files behind, as a real crash would.
   */
  async crash(dir: string): Promise<void> {
    const layout = serverLayout(dir);
    const groups = [this.find(dir), ...this.verifiedServices(layout)];
    for (const record of groups) {
      if (record !== undefined) signalGroup(record.pgid, 'SIGKILL');
    }
    for (const record of groups) {
      if (record !== undefined) await this.waitGone(record.pid, this.stopTimeoutMs);
    }
  }

  /** Replaces the user data and tells a running agent to apply it. */
  async reload(dir: string, userData: UserData): Promise<boolean> {
    const layout = serverLayout(dir);
    await writeFileAtomic(layout.userData, JSON.stringify(userData, null, 2) + '\n');
    const record = this.find(dir);
    if (record === undefined) return false;
    process.kill(record.pid, 'SIGHUP');
    return true;
  }

  /** The user data last delivered to `dir` (what its agent runs or last ran), if valid. */
  lastUserData(dir: string): UserData | undefined {
    try {
      return validateUserData(JSON.parse(fs.readFileSync(serverLayout(dir).userData, 'utf8')));
    } catch {
      return undefined;
    }
  }

  status(dir: string): AgentStatus | undefined {
    return readStatus(serverLayout(dir).status);
  }

  /** Service pid records whose processes are verifiably still the ones recorded. */
  verifiedServices(layout: ServerLayout): PidRecord[] {
    let names: string[];
    try {
      names = fs.readdirSync(layout.serviceDir).filter((n) => n.endsWith('.pid'));
    } catch {
      return [];
    }
    return names
      .map((n) => readPidFile(path.join(layout.serviceDir, n)))
      .filter((r): r is PidRecord => r !== undefined && r.pgid === r.pid && verifyPid(r));
  }

  private agentArgv(dir: string): string[] {
    return [this.agentScript, '--dir', dir];
  }

  /** Waits until the agent has recorded its pid and reported `running` (user data applied). */
  private async waitForPidFile(layout: ServerLayout, pid: number): Promise<PidRecord> {
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      const record = this.find(layout.dir);
      const status = readStatus(layout.status);
      if (
        record !== undefined &&
        status?.agent.pid === record.pid &&
        status.agent.state === 'running'
      ) {
        return record;
      }
      if (!isRunning(pid)) break;
      await sleep(POLL_MS);
    }
    throw new BerthError(
      'BERTH_ERR_TIMEOUT',
      `agent for ${layout.dir} did not start; see ${layout.agentLog}`,
    );
  }

  private async waitGone(pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (isRunning(pid)) {
      if (Date.now() > deadline) return false;
      await sleep(POLL_MS);
    }
    return true;
  }

  private cleanup(dir: string): void {
    const layout = serverLayout(dir);
    fs.rmSync(layout.agentPid, { force: true });
  }
}
