/**
 * A server's cgroup: what makes a namespace-and-processes server a machine of its flavor's size
 * whose every process — its agent, the daemons it starts, and anything those daemons start in
 * their own sessions (containerd shims, containers) — can be found and stopped. On a cgroup v1
 * host the group exists in every mounted hierarchy (and in the v2 `unified` one when mounted),
 * at the same path, e.g. `/berth-servers/<server id>`; on a v2 host in the single hierarchy.
 *
 * Limits follow the flavor: memory (`memory.limit_in_bytes` / `memory.max`) and CPU time
 * (`cpu.cfs_quota_us` / `cpu.max`, vCPUs × the period). cpuset groups inherit their parent's
 * CPUs and memory nodes (an empty cpuset admits no process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const CGROUP_ROOT = '/sys/fs/cgroup';
const CPU_PERIOD_US = 100_000;

export interface CgroupLimits {
  vcpus: number;
  ramMiB: number;
}

/** The hierarchies mounted under `root`: one directory each on v1, the root itself on v2. */
export function hierarchies(root = CGROUP_ROOT): string[] {
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) return [root];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'cgroup.procs')))
    .map((d) => path.join(root, d.name));
}

/** `/<prefix>servers/<serverId>`: where a server's group sits in every hierarchy. */
export function serverCgroupPath(prefix: string, serverId: string): string {
  return `/${prefix}servers/${serverId}`;
}

/** The files limits are written to, by hierarchy kind; a pure function of the limits. */
export function limitFiles(
  hierarchy: string,
  limits: CgroupLimits,
): Array<{ file: string; value: string }> {
  const memory = String(limits.ramMiB * 1024 * 1024);
  const quota = String(Math.max(1, limits.vcpus) * CPU_PERIOD_US);
  if (fs.existsSync(path.join(hierarchy, 'cgroup.controllers'))) {
    // v2: only controllers enabled in the parent's subtree_control exist in a child.
    return [
      { file: 'memory.max', value: memory },
      { file: 'cpu.max', value: `${quota} ${CPU_PERIOD_US}` },
    ];
  }
  const name = path.basename(hierarchy);
  if (name === 'memory') return [{ file: 'memory.limit_in_bytes', value: memory }];
  if (name === 'cpu' || name.split(',').includes('cpu'))
    return [
      { file: 'cpu.cfs_period_us', value: String(CPU_PERIOD_US) },
      { file: 'cpu.cfs_quota_us', value: quota },
    ];
  return [];
}

/**
 * Creates the group at `groupPath` in every hierarchy (idempotent) and applies `limits` where
 * the hierarchy has the files. Returns the `cgroup.procs` files a process writes its pid to.
 */
export function createCgroup(
  groupPath: string,
  limits: CgroupLimits,
  root = CGROUP_ROOT,
): string[] {
  const procs: string[] = [];
  for (const hierarchy of hierarchies(root)) {
    const dir = path.join(hierarchy, groupPath);
    if (path.basename(hierarchy) === 'cpuset') makeCpusetDirs(hierarchy, groupPath);
    else fs.mkdirSync(dir, { recursive: true });
    for (const { file, value } of limitFiles(hierarchy, limits)) {
      const target = path.join(dir, file);
      if (fs.existsSync(target)) fs.writeFileSync(target, value);
    }
    procs.push(path.join(dir, 'cgroup.procs'));
  }
  return procs;
}

/** cpuset children start with no CPUs and no memory nodes: each level copies its parent's. */
function makeCpusetDirs(hierarchy: string, groupPath: string): void {
  let parent = hierarchy;
  for (const part of groupPath.split('/').filter(Boolean)) {
    const dir = path.join(parent, part);
    fs.mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const mine = path.join(dir, file);
      if (fs.existsSync(mine) && fs.readFileSync(mine, 'utf8').trim() === '')
        fs.writeFileSync(mine, fs.readFileSync(path.join(parent, file), 'utf8'));
    }
    parent = dir;
  }
}

/** Every pid in the group or any group below it, in any hierarchy. */
export function cgroupPids(groupPath: string, root = CGROUP_ROOT): number[] {
  const pids = new Set<number>();
  for (const hierarchy of hierarchies(root)) {
    for (const dir of subtree(path.join(hierarchy, groupPath))) {
      const text = readOr(path.join(dir, 'cgroup.procs'), '');
      for (const line of text.split('\n')) if (line.trim() !== '') pids.add(Number(line));
    }
  }
  return [...pids];
}

/**
 * SIGKILLs every process in the group until none is left (processes forking while it runs are
 * caught on the next round). Resolves false when some survive `timeoutMs` (a process stuck in
 * the kernel), true otherwise.
 */
export async function killCgroup(
  groupPath: string,
  timeoutMs = 10_000,
  root = CGROUP_ROOT,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = cgroupPids(groupPath, root);
    if (pids.length === 0) return true;
    if (Date.now() > deadline) return false;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await sleep(50);
  }
}

/**
 * Removes the group and every group below it (kubelet's and runc's), leaves first, in every
 * hierarchy; then the parent (`/<prefix>servers`) when no other server's group is left in it.
 * The groups must be empty (killCgroup first). Missing groups are fine.
 */
export function removeCgroup(groupPath: string, root = CGROUP_ROOT): void {
  for (const hierarchy of hierarchies(root)) {
    const top = path.join(hierarchy, groupPath);
    for (const dir of subtree(top).reverse()) fs.rmdirSync(dir);
    const parent = path.dirname(top);
    if (parent !== hierarchy && fs.existsSync(parent) && childGroups(parent).length === 0)
      fs.rmdirSync(parent);
  }
}

/** `dir` and every group below it, parents before children; empty when `dir` is absent. */
function subtree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return [dir, ...childGroups(dir).flatMap((child) => subtree(child))];
}

function childGroups(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name));
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
