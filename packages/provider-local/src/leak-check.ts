/**
 * Finds what the local provider left on the host: namespaces, host interfaces and host
 * nftables tables with its prefix, live processes that belong to its data dir (by command line
 * or by a verified pid file), sit in its namespaces or in its servers' cgroups, mounts under its
 * data dir, servers' cgroups, loop devices on its files, and files under its data dir. After everything was deleted, every
 * list must be empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandRunner } from '@berth/exec';
import type { NetContext } from './net/context.js';
import { listLinks } from './net/links.js';
import { listNamespaces, namespacePids } from './net/netns.js';
import { listTables } from './net/nft.js';
import { readPidFile, verifyPid } from './proc/pid-file.js';
import { isRunning, listPids, readCmdline } from './proc/proc.js';
import { cgroupPids, hierarchies } from './machine/cgroups.js';
import { mountPoints } from './machine/mount-ns.js';

export interface LeakReport {
  namespaces: string[];
  links: string[];
  nftTables: string[];
  processes: Array<{ pid: number; cmdline: string }>;
  /** Mount points under the data dir in the host's mount namespace. */
  mounts: string[];
  /** Servers' cgroups (`/<prefix>servers…`) left in any hierarchy. */
  cgroups: string[];
  /** Loop devices backed by a file under the data dir (a real node's root disk, still set up). */
  loopDevices: string[];
  files: string[];
}

export interface LeakCheckOptions {
  runner: CommandRunner;
  prefix: string;
  dataDir: string;
  /** Paths relative to dataDir that may remain (e.g. an empty inventory). */
  allowFiles?: string[];
  signal?: AbortSignal;
}

export async function checkLeaks(options: LeakCheckOptions): Promise<LeakReport> {
  const ctx: NetContext = options.signal
    ? { runner: options.runner, signal: options.signal }
    : { runner: options.runner };
  const namespaces = await listNamespaces(ctx, options.prefix);
  const links = (await listLinks(ctx))
    .map((l) => l.name)
    .filter((name) => name.startsWith(options.prefix));
  const nftTables = (await listTables(ctx))
    .filter((t) => t.name.startsWith(options.prefix))
    .map((t) => `${t.family} ${t.name}`);
  const serversGroup = `/${options.prefix}servers`;
  const pids = new Set<number>([
    ...processesOfDataDir(options.dataDir),
    ...(await Promise.all(namespaces.map((ns) => namespacePids(ctx, ns)))).flat(),
    ...cgroupPids(serversGroup),
  ]);
  const processes = [...pids]
    .filter((pid) => isRunning(pid))
    .sort((a, b) => a - b)
    .map((pid) => ({ pid, cmdline: (readCmdline(pid) ?? []).join(' ') }));
  const allowed = new Set(options.allowFiles ?? []);
  const files = listFiles(options.dataDir).filter((f) => !allowed.has(f));
  const root = path.resolve(options.dataDir);
  const mounts = mountPoints().filter((m) => m === root || m.startsWith(`${root}/`));
  const cgroups = hierarchies()
    .map((h) => path.join(h, serversGroup))
    .filter((dir) => fs.existsSync(dir));
  const loopDevices = loopBackings()
    .filter((l) => l.file === root || l.file.startsWith(`${root}/`))
    .map((l) => `${l.device} → ${l.file}`);
  return { namespaces, links, nftTables, processes, mounts, cgroups, loopDevices, files };
}

export function isClean(report: LeakReport): boolean {
  return Object.values(report).every((list: unknown[]) => list.length === 0);
}

/** Every set-up loop device and the file behind it, from sysfs. */
function loopBackings(): Array<{ device: string; file: string }> {
  let names: string[];
  try {
    names = fs.readdirSync('/sys/block').filter((n) => n.startsWith('loop'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const file = fs.readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim();
      return [{ device: `/dev/${name}`, file: file.replace(/ \(deleted\)$/, '') }];
    } catch {
      return [];
    }
  });
}

/** Processes whose argv names the data dir, plus verified owners of pid files in it. */
function processesOfDataDir(dataDir: string): number[] {
  const root = path.resolve(dataDir);
  const byArgv = listPids().filter(
    (pid) =>
      pid !== process.pid &&
      (readCmdline(pid) ?? []).some((arg) => arg === root || arg.startsWith(`${root}/`)),
  );
  const byPidFile = listFiles(dataDir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => readPidFile(path.join(dataDir, f)))
    .filter((r) => r !== undefined && verifyPid(r))
    .map((r) => r?.pid as number);
  return [...byArgv, ...byPidFile];
}

/** Files (not directories) under `dir`, relative, sorted; empty when `dir` is missing. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out.sort();
}
