/**
 * Pid files that identify a process beyond its pid: the start time makes a recycled pid
 * detectable, and `verify` checks both before anyone signals the process.
 */
import fs from 'node:fs';
import { writeFileAtomicSync } from '../fs-atomic.js';
import { isRunning, readCmdline, readStat } from './proc.js';

export interface PidRecord {
  pid: number;
  startTime: number;
  /** The process group the process leads (Berth starts every process in its own group). */
  pgid: number;
}

export function readPidFile(file: string): PidRecord | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as Partial<PidRecord>;
    if (typeof record.pid !== 'number' || typeof record.startTime !== 'number') return undefined;
    return { pid: record.pid, startTime: record.startTime, pgid: record.pgid ?? record.pid };
  } catch {
    return undefined;
  }
}

/** Records `pid` with its current start time; false when it is already gone. */
export function writePidFile(file: string, pid: number): boolean {
  const stat = readStat(pid);
  if (stat === undefined) return false;
  const record: PidRecord = { pid, startTime: stat.startTime, pgid: stat.pgid };
  writeFileAtomicSync(file, JSON.stringify(record) + '\n');
  return true;
}

export interface VerifyOptions {
  /** Every string must appear, in order, as consecutive argv elements. */
  argvIncludes?: string[];
}

/**
 * True when the process in `record` is the same, still running process: same pid, same
 * start time, and (when asked) an argv containing `argvIncludes`.
 */
export function verifyPid(record: PidRecord, options: VerifyOptions = {}): boolean {
  const stat = readStat(record.pid);
  if (stat === undefined || stat.startTime !== record.startTime || !isRunning(record.pid)) {
    return false;
  }
  if (options.argvIncludes === undefined) return true;
  const argv = readCmdline(record.pid);
  return argv !== undefined && containsRun(argv, options.argvIncludes);
}

function containsRun(argv: string[], run: string[]): boolean {
  for (let i = 0; i + run.length <= argv.length; i++) {
    if (run.every((part, j) => argv[i + j] === part)) return true;
  }
  return false;
}
