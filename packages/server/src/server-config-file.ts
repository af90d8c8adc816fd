/**
 * `berth server --config FILE` (or BERTH_SERVER_CONFIG): a YAML file holding the directory
 * settings the `BERTH_LDAP_*` variables hold (docs/identity.md), so a password need not sit in
 * a unit file's environment. Each key stands for one variable; a variable that is set (even
 * empty) wins over the file's key, so one setting can be overridden without editing the file.
 * The file is read once at start and checked strictly: unknown keys, wrong types and unreadable
 * files are BERTH_ERR_VALIDATION naming `FILE: key`, and so are the settings' own checks (a
 * filter without `{username}`, …) for a value that came from the file.
 *
 * BERTH_CONFIG is taken: it names the CLI's config file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { BerthError } from '@berth/errors';

type Kind = 'string' | 'boolean' | 'seconds' | 'file';

/** File key → the variable it stands for, and its type. */
export const CONFIG_FILE_KEYS: Readonly<Record<string, readonly [string, Kind]>> = {
  'ldap.url': ['BERTH_LDAP_URL', 'string'],
  'ldap.startTls': ['BERTH_LDAP_STARTTLS', 'boolean'],
  'ldap.caFile': ['BERTH_LDAP_CA_FILE', 'file'],
  'ldap.bindDn': ['BERTH_LDAP_BIND_DN', 'string'],
  'ldap.bindPassword': ['BERTH_LDAP_BIND_PASSWORD', 'string'],
  'ldap.userBase': ['BERTH_LDAP_USER_BASE', 'string'],
  'ldap.userFilter': ['BERTH_LDAP_USER_FILTER', 'string'],
  'ldap.groupBase': ['BERTH_LDAP_GROUP_BASE', 'string'],
  'ldap.groupFilter': ['BERTH_LDAP_GROUP_FILTER', 'string'],
  'ldap.groupNameAttribute': ['BERTH_LDAP_GROUP_NAME_ATTRIBUTE', 'string'],
  'ldap.recheckSeconds': ['BERTH_LDAP_RECHECK_SECONDS', 'seconds'],
  'sessions.ttlSeconds': ['BERTH_SESSION_TTL_SECONDS', 'seconds'],
  'clusterTokens.ttlSeconds': ['BERTH_CLUSTER_TOKEN_TTL_SECONDS', 'seconds'],
};

export interface ServerConfigFile {
  file: string;
  /** The variables the file sets, as strings (what the environment would hold). */
  variables: Record<string, string>;
  /** The file key each of those variables came from. */
  keyOf: Record<string, string>;
}

function invalid(file: string, key: string, message: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', `${file}: ${key}: ${message}`, {
    field: key,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flattens nested maps to dotted keys; a key that is neither a known leaf nor a known section is refused. */
function flatten(file: string, value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (!isRecord(value)) throw invalid(file, prefix || '(top)', 'must be a map of settings');
  for (const [name, child] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (key in CONFIG_FILE_KEYS) out.set(key, child);
    else if (Object.keys(CONFIG_FILE_KEYS).some((k) => k.startsWith(`${key}.`)))
      flatten(file, child, key, out);
    else
      throw invalid(
        file,
        key,
        `unknown setting; known: ${Object.keys(CONFIG_FILE_KEYS).join(', ')}`,
      );
  }
}

function asVariable(file: string, key: string, kind: Kind, value: unknown): string {
  switch (kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(file, key, 'must be true or false');
      return String(value);
    case 'seconds':
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
        throw invalid(file, key, 'must be a number of seconds above 0');
      return String(value);
    case 'file':
      if (typeof value !== 'string' || value === '') throw invalid(file, key, 'must be a path');
      // Relative to the config file, so the file and its CA can move together.
      return path.resolve(path.dirname(file), value);
    case 'string':
      if (typeof value !== 'string' || value === '')
        throw invalid(file, key, 'must be a non-empty string');
      return value;
  }
}

/** Parses the text of a config file; `file` names it in errors. Throws BERTH_ERR_VALIDATION. */
export function parseServerConfig(file: string, text: string): ServerConfigFile {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw invalid(file, '(top)', `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const leaves = new Map<string, unknown>();
  const root: unknown = doc.toJS();
  if (root !== null && root !== undefined) flatten(file, root, '', leaves);
  const variables: Record<string, string> = {};
  const keyOf: Record<string, string> = {};
  for (const [key, value] of leaves) {
    const [variable, kind] = CONFIG_FILE_KEYS[key]!;
    variables[variable] = asVariable(file, key, kind, value);
    keyOf[variable] = key;
  }
  return { file, variables, keyOf };
}

/** Reads and parses `file`. Throws BERTH_ERR_VALIDATION naming it when it cannot be read. */
export function loadServerConfig(file: string): ServerConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `cannot read the config file ${file}: ${(err as Error).message}`,
      { field: 'config' },
    );
  }
  return parseServerConfig(file, text);
}

/** The environment with the file's settings under it: a variable that is set wins. */
export function withConfigFile(
  env: NodeJS.ProcessEnv,
  config: ServerConfigFile,
): NodeJS.ProcessEnv {
  return { ...config.variables, ...env };
}

/**
 * An error about a variable whose value came from the file, re-worded to name the file's key
 * (the operator edits the file, not the variable); any other error as it is.
 */
export function explainConfigError(
  err: unknown,
  config: ServerConfigFile,
  env: NodeJS.ProcessEnv,
): unknown {
  if (!(err instanceof BerthError) || err.field === undefined) return err;
  const key = config.keyOf[err.field];
  if (key === undefined || env[err.field] !== undefined) return err;
  const message = err.message.startsWith(`${err.field}`)
    ? err.message.slice(err.field.length).replace(/^[:\s]+/, '')
    : err.message;
  return new BerthError(err.code, `${config.file}: ${key}: ${message}`, {
    field: key,
    cause: err,
  });
}
