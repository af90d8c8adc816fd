/**
 * Directory settings, read from `BERTH_LDAP_*` (issue 16's interface). Absent `BERTH_LDAP_URL`
 * means "no directory": `POST /v1/login` answers 501 and only API tokens exist.
 */
import { readFileSync } from 'node:fs';
import { BerthError } from '@berth/errors';
import { placeholders } from './ldap-filter.js';

export interface DirectoryConfig {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  /** Upgrade an `ldap://` connection with StartTLS before binding (BERTH_LDAP_STARTTLS=true). */
  startTls: boolean;
  /** The service account that searches; absent: anonymous search. */
  bindDn?: string;
  bindPassword?: string;
  userBase: string;
  /** `{username}` is replaced by the escaped name. */
  userFilter: string;
  groupBase: string;
  /** `{dn}` (the member's DN) and `{username}`; groups found are searched again with their DN. */
  groupFilter: string;
  /** The group attribute that names it in Berth and in Kubernetes. */
  groupNameAttribute: string;
  /** PEM of the CA that signed the directory's certificate; absent: the system's CAs. */
  caPem?: string;
  /** Connect and operation timeout. */
  timeoutMs: number;
}

export const DEFAULT_USER_FILTER = '(uid={username})';
export const DEFAULT_GROUP_FILTER = '(|(member={dn})(uniqueMember={dn}))';
/** Active Directory resolves nested groups itself with this matching rule (LDAP_MATCHING_RULE_IN_CHAIN). */
export const AD_IN_CHAIN = '1.2.840.113556.1.4.1941';

function invalid(variable: string, message: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', `${variable}: ${message}`, { field: variable });
}

function template(env: NodeJS.ProcessEnv, variable: string, fallback: string, allowed: string[]) {
  const value = env[variable] || fallback;
  if (!/^\(.*\)$/s.test(value)) throw invalid(variable, 'a filter must be wrapped in parentheses');
  const unknown = placeholders(value).filter((p) => !allowed.includes(p));
  if (unknown.length > 0) throw invalid(variable, `unknown placeholder {${unknown[0]}}`);
  return value;
}

/** Reads the settings; undefined when BERTH_LDAP_URL is unset. Throws BERTH_ERR_VALIDATION. */
export function directoryConfigFromEnv(env: NodeJS.ProcessEnv): DirectoryConfig | undefined {
  const url = env.BERTH_LDAP_URL;
  if (!url) return undefined;
  if (!/^ldaps?:\/\/[^/\s]+\/?$/.test(url))
    throw invalid('BERTH_LDAP_URL', 'must be ldap://host[:port] or ldaps://host[:port]');
  const userBase = env.BERTH_LDAP_USER_BASE;
  if (!userBase) throw invalid('BERTH_LDAP_USER_BASE', 'required with BERTH_LDAP_URL');
  const startTls = env.BERTH_LDAP_STARTTLS === 'true';
  if (startTls && url.startsWith('ldaps:'))
    throw invalid('BERTH_LDAP_STARTTLS', 'StartTLS is for ldap:// URLs; ldaps:// is TLS already');
  if (env.BERTH_LDAP_BIND_DN && env.BERTH_LDAP_BIND_PASSWORD === undefined)
    throw invalid('BERTH_LDAP_BIND_PASSWORD', 'required with BERTH_LDAP_BIND_DN');
  const config: DirectoryConfig = {
    url,
    startTls,
    userBase,
    userFilter: template(env, 'BERTH_LDAP_USER_FILTER', DEFAULT_USER_FILTER, ['username']),
    groupBase: env.BERTH_LDAP_GROUP_BASE || userBase,
    groupFilter: template(env, 'BERTH_LDAP_GROUP_FILTER', DEFAULT_GROUP_FILTER, ['dn', 'username']),
    groupNameAttribute: env.BERTH_LDAP_GROUP_NAME_ATTRIBUTE || 'cn',
    timeoutMs: 5_000,
  };
  if (!config.userFilter.includes('{username}'))
    throw invalid('BERTH_LDAP_USER_FILTER', 'must contain {username}');
  if (env.BERTH_LDAP_BIND_DN) {
    config.bindDn = env.BERTH_LDAP_BIND_DN;
    config.bindPassword = env.BERTH_LDAP_BIND_PASSWORD!;
  }
  if (env.BERTH_LDAP_CA_FILE) config.caPem = readCa(env.BERTH_LDAP_CA_FILE);
  return config;
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid('BERTH_LDAP_CA_FILE', `cannot read ${path}: ${(err as Error).message}`);
  }
}
