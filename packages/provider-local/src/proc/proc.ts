/**
 * Reading processes from /proc, so the provider signals only processes it has proven are its
 * own: a pid file names a pid and that process's start time (clock ticks since boot, field 22
 * of /proc/<pid>/stat); a recycled pid has a different start time.
 */
import fs from 'node:fs';

export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), T, … */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  startTime: number;
}

/** Parses /proc/<pid>/stat; `comm` may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const num = (i: number) => Number(fields[i]);
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: num(1),
    pgid: num(2),
    sid: num(3),
    startTime: num(19),
  };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The argv of `pid`, or undefined when it is gone (or a kernel thread / zombie with none). */
export function readCmdline(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** True while `pid` exists and is not a zombie (a zombie has exited; only its parent's reap is missing). */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** The network-namespace identity of `pid` (`net:[4026532…]`), if readable. */
export function netnsOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** The identity of a named namespace under /run/netns, in the same form as `netnsOf`. */
export function namedNetnsId(name: string): string | undefined {
  try {
    return `net:[${fs.statSync(`/run/netns/${name}`).ino}]`;
  } catch {
    return undefined;
  }
}

/** All numeric entries of /proc. */
export function listPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Sends `signal` to process group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
