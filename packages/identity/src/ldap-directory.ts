/**
 * `Directory` over LDAP (OpenLDAP, Active Directory) with ldapts. Each call opens its own
 * connection (sign-ins are rare; no pool to go stale), binds as the service account, finds the
 * user with the escaped filter, refuses locked or disabled accounts, verifies the password with a
 * bind as the user's DN and collects groups, following nested groups by searching again with each
 * group's DN (at most `MAX_DEPTH` levels and `MAX_GROUPS` groups) unless the filter uses Active
 * Directory's in-chain matching rule, which resolves nesting on the server.
 */
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import { BerthError } from '@berth/errors';
import { AD_IN_CHAIN, type DirectoryConfig } from './directory-config.js';
import type { Directory, DirectoryUser } from './directory.js';
import { renderFilter, usernameAttribute } from './ldap-filter.js';

const MAX_DEPTH = 8;
const MAX_GROUPS = 1_000;
/** AD `userAccountControl` bits: ACCOUNTDISABLE, LOCKOUT. */
const UAC_DISABLED = 0x2;
const UAC_LOCKOUT = 0x10;

export class LdapDirectory implements Directory {
  readonly #config: DirectoryConfig;

  constructor(config: DirectoryConfig) {
    this.#config = config;
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser> {
    // An empty password is an "unauthenticated bind" (RFC 4513 §5.1.2), which servers accept.
    if (password.length === 0) throw invalidCredentials();
    return this.#withClient(async (client) => {
      const entry = await this.#findUser(client, username);
      // Verify the password as the user; the connection's identity changes, so groups are
      // searched afterwards on a fresh service bind.
      try {
        await client.bind(entry.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) throw invalidCredentials();
        throw err;
      }
      await this.#serviceBind(client);
      return this.#user(client, entry, username);
    });
  }

  async lookup(username: string): Promise<DirectoryUser> {
    return this.#withClient(async (client) => {
      const entry = await this.#findUser(client, username);
      return this.#user(client, entry, username);
    });
  }

  async #withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const { url, timeoutMs, caPem } = this.#config;
    const tlsOptions = caPem === undefined ? {} : { ca: [caPem] };
    // ldapts opens TLS from the start whenever tlsOptions are given: only for ldaps://.
    const client = new Client({
      url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      ...(url.startsWith('ldaps:') ? { tlsOptions } : {}),
    });
    try {
      if (this.#config.startTls) await client.startTLS(tlsOptions);
      await this.#serviceBind(client);
      return await fn(client);
    } catch (err) {
      throw err instanceof BerthError ? err : unavailable(err);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  async #serviceBind(client: Client): Promise<void> {
    const { bindDn, bindPassword } = this.#config;
    if (bindDn === undefined) return;
    try {
      await client.bind(bindDn, bindPassword ?? '');
    } catch (err) {
      // The operator's service account is refused: the directory is unusable, not the user wrong.
      throw unavailable(err, 'the directory refused the service account (BERTH_LDAP_BIND_DN)');
    }
  }

  async #findUser(client: Client, username: string): Promise<Entry> {
    const { userBase, userFilter } = this.#config;
    const { searchEntries } = await client.search(userBase, {
      scope: 'sub',
      filter: renderFilter(userFilter, { username }),
      sizeLimit: 2,
      attributes: ['*', 'pwdAccountLockedTime', 'userAccountControl'],
    });
    // None or several: the name does not identify one account.
    if (searchEntries.length !== 1) throw invalidCredentials();
    const entry = searchEntries[0]!;
    if (isDisabled(entry)) {
      throw new BerthError(
        'BERTH_ERR_ACCOUNT_DISABLED',
        `the account "${username}" is locked or disabled in the directory`,
      );
    }
    return entry;
  }

  async #user(client: Client, entry: Entry, username: string): Promise<DirectoryUser> {
    const attribute = usernameAttribute(this.#config.userFilter);
    const canonical = (attribute && first(entry, attribute)) || username;
    const groups = await this.#groups(client, entry.dn, canonical);
    return { username: canonical, dn: entry.dn, groups };
  }

  async #groups(client: Client, userDn: string, username: string): Promise<string[]> {
    const { groupBase, groupFilter, groupNameAttribute } = this.#config;
    const follow = groupFilter.includes('{dn}') && !groupFilter.includes(AD_IN_CHAIN);
    const names = new Set<string>();
    const seen = new Set<string>();
    let frontier = [userDn];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const dn of frontier) {
        const { searchEntries } = await client.search(groupBase, {
          scope: 'sub',
          filter: renderFilter(groupFilter, { dn, username }),
          attributes: [groupNameAttribute],
        });
        for (const group of searchEntries) {
          const key = group.dn.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          const name = first(group, groupNameAttribute);
          if (name) names.add(name);
          next.push(group.dn);
        }
        if (seen.size >= MAX_GROUPS) break;
      }
      if (!follow || seen.size >= MAX_GROUPS) break;
      frontier = next;
    }
    return [...names].sort();
  }
}

function first(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
}

function isDisabled(entry: Entry): boolean {
  if (first(entry, 'pwdAccountLockedTime') !== undefined) return true;
  const uac = Number(first(entry, 'userAccountControl') ?? 0);
  return (uac & (UAC_DISABLED | UAC_LOCKOUT)) !== 0;
}

function invalidCredentials(): BerthError {
  return new BerthError('BERTH_ERR_INVALID_CREDENTIALS', 'wrong user name or password');
}

function unavailable(cause: unknown, message = 'the directory cannot be reached'): BerthError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new BerthError('BERTH_ERR_DIRECTORY_UNAVAILABLE', `${message}: ${detail}`, { cause });
}
