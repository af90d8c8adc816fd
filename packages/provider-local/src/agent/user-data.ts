/**
 * The shapes the provider hands the agent, and their validation. User data is the cloud-init of
 * a local server: files to write and services to supervise.
 */
import { BerthError } from '@berth/errors';

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface ServiceSpec {
  /** Unique within the server; names pid and log files, so [a-z0-9-] only. */
  name: string;
  command: string;
  args?: string[];
  env?: Record<string, string>;
  /** Relative paths are inside the server's root dir; default: the root dir. */
  cwd?: string;
  restart?: RestartPolicy;
  /** Sent (instead of a restart) when a reload changed files but not this service's spec. */
  reloadSignal?: NodeJS.Signals;
  /**
   * The files (user-data paths) the service reads: the reload signal is sent only when one of
   * them changed. Default: any file. An amphora's keepalived must not be reloaded for a new
   * haproxy.cfg — a reloaded VRRP instance can give up the VIP and move it for nothing.
   */
  reloadOn?: string[];
  /** Grace between SIGTERM and SIGKILL when stopping. Default 5. */
  stopTimeoutSec?: number;
  /**
   * Services this one starts after. When the agent shuts down, the order is reversed (as
   * systemd's `After=`): a service stops only once every service that names it here has
   * stopped — an API server drains its clients before the etcd it talks to goes.
   */
  after?: string[];
  /**
   * When the agent shuts down, services marked so stop (and exit) before the others get
   * SIGTERM: an amphora's keepalived hands the VIP over before its HAProxy goes.
   */
  stopFirst?: boolean;
}

export interface FileSpec {
  /** Relative to the root dir, or absolute under a prefix the agent config allows. */
  path: string;
  content: string;
  /** `base64` for binary content. Default `utf8`. */
  encoding?: 'utf8' | 'base64';
  /** Unix permission bits. Default 0o644. */
  mode?: number;
}

export interface UserData {
  files?: FileSpec[];
  services?: ServiceSpec[];
}

/** Written by the provider only; user data cannot widen it. */
export interface AgentConfig {
  serverId: string;
  hostname: string;
  /** Absolute path prefixes user-data files may be written to. */
  allowedPathPrefixes: string[];
  /** Environment every service gets (before its own env). */
  env?: Record<string, string>;
  /**
   * `cgroup.procs` files of the machine's cgroup: the agent writes its pid to each before it
   * starts anything, so every process of the server is in the server's cgroup.
   */
  cgroupProcs?: string[];
}

const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RESTART: readonly RestartPolicy[] = ['always', 'on-failure', 'never'];

/** Throws BERTH_ERR_VALIDATION naming the offending field. */
export function validateUserData(value: unknown): UserData {
  if (typeof value !== 'object' || value === null) throw invalid('userData', 'must be an object');
  const data = value as UserData;
  (data.files ?? []).forEach((f, i) => validateFile(f, `files[${i}]`));
  const names = new Set<string>();
  (data.services ?? []).forEach((s, i) => {
    validateService(s, `services[${i}]`);
    if (names.has(s.name)) throw invalid(`services[${i}].name`, `duplicate service "${s.name}"`);
    names.add(s.name);
  });
  return data;
}

function validateFile(f: FileSpec, field: string): void {
  if (typeof f.path !== 'string' || f.path === '') throw invalid(`${field}.path`, 'required');
  if (typeof f.content !== 'string') throw invalid(`${field}.content`, 'must be a string');
  if (f.mode !== undefined && !(Number.isInteger(f.mode) && f.mode >= 0 && f.mode <= 0o7777)) {
    throw invalid(`${field}.mode`, 'must be permission bits');
  }
}

function validateService(s: ServiceSpec, field: string): void {
  if (!SERVICE_NAME.test(s.name ?? '')) {
    throw invalid(`${field}.name`, 'must be lower-case letters, digits and dashes');
  }
  if (typeof s.command !== 'string' || s.command === '')
    throw invalid(`${field}.command`, 'required');
  if (s.args !== undefined && !s.args.every((a) => typeof a === 'string')) {
    throw invalid(`${field}.args`, 'must be strings');
  }
  if (s.restart !== undefined && !RESTART.includes(s.restart)) {
    throw invalid(`${field}.restart`, `must be one of ${RESTART.join(', ')}`);
  }
  if (
    s.stopTimeoutSec !== undefined &&
    !(Number.isFinite(s.stopTimeoutSec) && s.stopTimeoutSec > 0 && s.stopTimeoutSec <= 300)
  ) {
    throw invalid(`${field}.stopTimeoutSec`, 'must be a number of seconds in (0, 300]');
  }
  if (
    s.after !== undefined &&
    !(Array.isArray(s.after) && s.after.every((a) => typeof a === 'string'))
  ) {
    throw invalid(`${field}.after`, 'must be service names');
  }
}

function invalid(field: string, message: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', `${field}: ${message}`, { field });
}

/** True when two specs would run the same process (a reload then keeps it running). */
export function sameService(a: ServiceSpec, b: ServiceSpec): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(s: ServiceSpec): unknown {
  const env = Object.entries(s.env ?? {}).sort(([x], [y]) => x.localeCompare(y));
  return [s.name, s.command, s.args ?? [], env, s.cwd ?? '', s.restart ?? 'always'];
}
