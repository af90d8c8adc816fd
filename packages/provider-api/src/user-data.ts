/**
 * What a server runs: files its init writes before anything starts, then services it supervises.
 * The local provider's agent and an OpenStack cloud-init both consume this shape. User data holds
 * secrets (keys, tokens), so providers never log it and never return it from `get`/`list`; a
 * server carries only `userDataHash` so callers can tell whether it runs what they want.
 */
import { createHash } from 'node:crypto';

export interface UserDataFile {
  /** Absolute path inside the server. */
  path: string;
  content: string;
  /** How `content` is encoded. Default `utf8`. */
  encoding?: 'utf8' | 'base64';
  /** Permission bits, e.g. 0o600. Default 0o644. */
  mode?: number;
}

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface UserDataService {
  /** Unique within the server; a DNS label. */
  name: string;
  /** argv; `command[0]` is an absolute path or a name found on PATH. */
  command: string[];
  env?: Record<string, string>;
  workingDir?: string;
  /** Default `always`. */
  restart?: RestartPolicy;
  /** Services that must have started before this one; on shutdown it stops before them. */
  after?: string[];
  /** Grace between SIGTERM and SIGKILL when the server stops. Default: the provider's (5 s locally). */
  stopTimeoutSec?: number;
}

export interface UserData {
  /** Written in order before any service starts. */
  files: UserDataFile[];
  services: UserDataService[];
}

export const EMPTY_USER_DATA: UserData = Object.freeze({ files: [], services: [] });

/**
 * sha256 (hex) of the canonical JSON of `userData` (object keys sorted, arrays in order), so two
 * providers — and a controller computing the desired value — agree on the hash.
 */
export function hashUserData(userData: UserData): string {
  return createHash('sha256').update(canonicalJson(userData)).digest('hex');
}

/** JSON with object keys sorted recursively; `undefined` members are dropped as in JSON. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
