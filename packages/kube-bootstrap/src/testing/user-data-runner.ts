/**
 * For tests without a provider: does with user data what a server's agent does — writes its
 * files under a root dir (`/etc/x` → `<root>/etc/x`), starts its services in `after` order with
 * the root as working directory, restarts them by policy after a short pause — as plain
 * processes on this host. Everything it starts it stops by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UserData, UserDataService } from '@berth/provider-api';

const RESTART_PAUSE_MS = 1000;
const STOP_GRACE_MS = 10_000;

export interface RunningServer {
  rootDir: string;
  /** Restarts of each service so far (tests read it to spot crash loops). */
  restarts: Map<string, number>;
  logTail(service: string, lines?: number): string;
  pids(): number[];
  /** Stops every service (SIGTERM, SIGKILL after a grace period), last started first. */
  stop(): Promise<void>;
}

export async function runUserData(
  rootDir: string,
  userData: UserData,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  for (const file of userData.files) {
    const target = join(rootDir, file.path.replace(/^\/+/, ''));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(file.content, file.encoding ?? 'utf8'));
    await chmod(target, file.mode ?? 0o644);
  }
  await mkdir(join(rootDir, 'var/log/berth'), { recursive: true });
  const logOf = (name: string) => join(rootDir, 'var/log/berth', `${name}.log`);
  const children = new Map<string, ChildProcess>();
  const restarts = new Map<string, number>();
  let stopping = false;

  const start = (service: UserDataService) => {
    const [command, ...args] = service.command;
    const fd = openSync(logOf(service.name), 'a');
    const child = spawn(command!, args, {
      cwd: join(rootDir, (service.workingDir ?? '/').replace(/^\/+/, '')),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: rootDir, ...env, ...service.env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    children.set(service.name, child);
    child.once('exit', (code, signal) => {
      const policy = service.restart ?? 'always';
      const again = policy === 'always' || (policy === 'on-failure' && (code !== 0 || signal));
      if (stopping || !again) return;
      restarts.set(service.name, (restarts.get(service.name) ?? 0) + 1);
      void sleep(RESTART_PAUSE_MS).then(() => {
        if (!stopping) start(service);
      });
    });
  };
  for (const service of startOrder(userData.services)) start(service);

  return {
    rootDir,
    restarts,
    logTail: (name, lines = 30) =>
      readFileSync(logOf(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
    pids: () => [...children.values()].flatMap((c) => (c.pid === undefined ? [] : [c.pid])),
    async stop() {
      stopping = true;
      for (const child of [...children.values()].reverse()) await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const gone = await Promise.race([
    exited.then(() => true),
    sleep(STOP_GRACE_MS, false, { ref: false }),
  ]);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
}

function startOrder(services: UserDataService[]): UserDataService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: UserDataService[] = [];
  const visit = (s: UserDataService) => {
    if (done.has(s.name)) return;
    done.add(s.name);
    for (const dep of s.after ?? []) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    order.push(s);
  };
  services.forEach(visit);
  return order;
}
