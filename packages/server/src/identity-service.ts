/**
 * Sign-in of directory users and the freshness of their sessions.
 *
 * - `login` checks the rate limit for (user, client address) first — so a locked-out guesser
 *   never reaches the directory — then asks the directory, and on success stores a session
 *   (only its hash) that lives `sessionTtlMs`.
 * - Groups whose names start with `system:` are dropped and such user names refused: Kubernetes
 *   reserves the prefix (`system:masters` is cluster-admin), so a directory group must never
 *   become one through Berth.
 * - `refresh` (the `SessionChecker` the authenticator calls once a session's groups are older
 *   than `recheckMs`) re-reads the user: a user gone or disabled loses the session (401/403);
 *   an unreachable directory is 503 — the old groups are never trusted past their interval.
 *   Concurrent refreshes of one session share one directory query.
 */
import type { LoginResponse } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { Directory, DirectoryUser, SignInLimiter } from '@berth/identity';
import type { Store, UserSession } from '@berth/store';
import type { SessionChecker } from './auth.js';

export interface IdentityOptions {
  directory: Directory;
  limiter: SignInLimiter;
  /** Session token lifetime. Default 8 h. */
  sessionTtlMs?: number;
  /** How old a session's groups may get before the directory is asked again. Default 5 min. */
  recheckMs?: number;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;
export const DEFAULT_RECHECK_MS = 5 * 60_000;

const RESERVED = 'system:';

export class IdentityService implements SessionChecker {
  readonly #store: Store;
  readonly #directory: Directory;
  readonly #limiter: SignInLimiter;
  readonly sessionTtlMs: number;
  readonly recheckMs: number;
  readonly #inFlight = new Map<string, Promise<UserSession>>();

  constructor(store: Store, options: IdentityOptions) {
    this.#store = store;
    this.#directory = options.directory;
    this.#limiter = options.limiter;
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
  }

  /** Throws INVALID_CREDENTIALS, ACCOUNT_DISABLED, RATE_LIMITED, DIRECTORY_UNAVAILABLE. */
  async login(username: string, password: string, address: string): Promise<LoginResponse> {
    this.#limiter.check(username, address);
    let user: DirectoryUser;
    try {
      if (username.toLowerCase().startsWith(RESERVED)) throw reservedName(username);
      user = await this.#directory.authenticate(username, password);
    } catch (err) {
      if (err instanceof BerthError && err.code !== 'BERTH_ERR_DIRECTORY_UNAVAILABLE')
        this.#limiter.recordFailure(username, address);
      throw err;
    }
    this.#limiter.recordSuccess(username, address);
    const groups = allowedGroups(user.groups);
    const { session, secret } = await this.#store.sessions.create({
      username: user.username,
      groups,
      ttlMs: this.sessionTtlMs,
    });
    return {
      token: secret,
      expiresAt: new Date(session.expiresAt).toISOString(),
      username: user.username,
      groups,
    };
  }

  staleAt(session: UserSession): number {
    return session.checkedAt + this.recheckMs;
  }

  refresh(session: UserSession): Promise<UserSession> {
    const running = this.#inFlight.get(session.id);
    if (running) return running;
    const work = this.#refresh(session).finally(() => this.#inFlight.delete(session.id));
    this.#inFlight.set(session.id, work);
    return work;
  }

  async #refresh(session: UserSession): Promise<UserSession> {
    let user: DirectoryUser;
    try {
      user = await this.#directory.lookup(session.username);
    } catch (err) {
      if (err instanceof BerthError && err.code === 'BERTH_ERR_INVALID_CREDENTIALS') {
        await this.#store.sessions.delete(session.id);
        throw new BerthError(
          'BERTH_ERR_UNAUTHENTICATED',
          `the user "${session.username}" is no longer in the directory; sign in again`,
        );
      }
      if (err instanceof BerthError && err.code === 'BERTH_ERR_ACCOUNT_DISABLED')
        await this.#store.sessions.delete(session.id);
      throw err;
    }
    const groups = allowedGroups(user.groups);
    await this.#store.sessions.recordCheck(session.id, groups);
    const fresh = await this.#store.sessions.get(session.id);
    if (!fresh) throw new BerthError('BERTH_ERR_UNAUTHENTICATED', 'the session ended; sign in');
    return fresh;
  }
}

function allowedGroups(groups: string[]): string[] {
  return groups.filter((g) => !g.toLowerCase().startsWith(RESERVED));
}

function reservedName(username: string): BerthError {
  return new BerthError(
    'BERTH_ERR_INVALID_CREDENTIALS',
    `user names starting with "${RESERVED}" are reserved by Kubernetes and cannot sign in (${username})`,
  );
}
