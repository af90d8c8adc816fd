/**
 * Where things live in a server's directory. The provider writes `agent.json` and
 * `user-data.json`; the agent writes everything else. This is the whole agent protocol: files
 * in, files out, signals (TERM = stop, HUP = re-read user data).
 */
import path from 'node:path';

export interface ServerLayout {
  dir: string;
  /** Provider → agent: identity and policy (AgentConfig). */
  config: string;
  /** Provider → agent: files to write and services to run (UserData). */
  userData: string;
  /** Agent → provider: the agent's PidRecord. */
  agentPid: string;
  /**
   * Provider → agent: the attached volumes' block limits (DeviceLimits[]), re-applied to the
   * server's cgroups every second (machine/blkio.ts).
   */
  blockLimits: string;
  /** Agent → provider: AgentStatus, replaced atomically on every change. */
  status: string;
  /** The agent's own stdout/stderr (opened by the provider). */
  agentLog: string;
  /** Relative user-data paths land here; also the services' default working directory. */
  rootDir: string;
  servicePid(name: string): string;
  serviceLog(name: string): string;
  serviceDir: string;
  logDir: string;
}

export function serverLayout(dir: string): ServerLayout {
  const serviceDir = path.join(dir, 'services');
  const logDir = path.join(dir, 'logs');
  return {
    dir,
    config: path.join(dir, 'agent.json'),
    userData: path.join(dir, 'user-data.json'),
    agentPid: path.join(dir, 'agent.pid'),
    blockLimits: path.join(dir, 'block-limits.json'),
    status: path.join(dir, 'status.json'),
    agentLog: path.join(logDir, 'agent.log'),
    rootDir: path.join(dir, 'root'),
    servicePid: (name) => path.join(serviceDir, `${name}.pid`),
    serviceLog: (name) => path.join(logDir, `${name}.log`),
    serviceDir,
    logDir,
  };
}
