/**
 * Bearer-token authentication and project-scoped authorization.
 *
 * - Two kinds of bearer token: API tokens (`berth_…`, minted by an admin, one project or
 *   platform-wide, one role) and directory users' session tokens (`berths_…`, from
 *   `POST /v1/login`), which act in every project where the user — by name or through one of their
 *   directory groups — has been granted a role (`/v1/projects/{p}/members`), with that role.
 * - Missing, unknown or expired token → 401. A principal sees only its projects: any other
 *   project, and everything in it, answers 404 exactly as if it did not exist. Inside a visible
 *   project, a role below the one needed → 403.
 * - Verified principals are cached for `ttlMs` (default 10 s) keyed by the secret's hash, so most
 *   requests cost no query. Revoking in this process drops the entry at once; other replicas
 *   notice within the TTL. A session's groups are re-read from the directory once they are older
 *   than the re-check interval (`SessionChecker`); a user removed from a group loses what the
 *   group granted within that interval plus `ttlMs`.
 */
import type { FastifyRequest } from 'fastify';
import {
  roleAllows,
  SESSION_SECRET_PREFIX,
  TOKEN_ROLES,
  type Token,
  type TokenRole,
} from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import { hashSecret, type Store, type UserSession } from '@berth/store';

export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  name: string;
  /** null: platform-wide. */
  project: string | null;
  role: TokenRole;
}

export interface UserPrincipal {
  kind: 'user';
  /** The session's id. */
  tokenId: string;
  /** The directory user name. */
  name: string;
  groups: string[];
  /** The role in each project where the user has one. */
  roles: Record<string, TokenRole>;
  /** Epoch ms. */
  expiresAt: number;
}

export type Principal = TokenPrincipal | UserPrincipal;

/** Re-reads a session's groups from the directory when they are stale (see identity-service). */
export interface SessionChecker {
  /** Returns the session with current groups; throws 401/403/503 BerthErrors. */
  refresh(session: UserSession): Promise<UserSession>;
  /** When the session's groups must be read again (epoch ms). */
  staleAt(session: UserSession): number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const MAX_CACHED = 10_000;

export class Authenticator {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { principal: Principal; until: number }>();
  readonly #projects = new Map<string, number>();
  #sessions: SessionChecker | undefined;

  constructor(store: Store, now: () => number, ttlMs = 10_000) {
    this.#store = store;
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  /** Lets session tokens in; without a checker they are refused like unknown tokens. */
  acceptSessions(checker: SessionChecker): void {
    this.#sessions = checker;
  }

  /** Resolves the request's token; throws BERTH_ERR_UNAUTHENTICATED. */
  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw unauthenticated('send Authorization: Bearer <token>');
    return this.authenticateSecret(match[1]!);
  }

  /** Resolves a bearer secret; throws BERTH_ERR_UNAUTHENTICATED. */
  async authenticateSecret(secret: string): Promise<Principal> {
    const hash = hashSecret(secret);
    const cached = this.#cache.get(hash);
    if (cached && cached.until > this.#now()) return cached.principal;
    this.#cache.delete(hash);
    const { principal, until } = secret.startsWith(SESSION_SECRET_PREFIX)
      ? await this.#session(secret)
      : await this.#token(secret);
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(hash, { principal, until: Math.min(this.#now() + this.#ttlMs, until) });
    return principal;
  }

  async #token(secret: string): Promise<{ principal: Principal; until: number }> {
    const token = await this.#store.tokens.findBySecret(secret);
    if (!token) throw unauthenticated('the token is unknown, revoked or expired');
    const until = token.expiresAt ? Date.parse(token.expiresAt) : Infinity;
    return { principal: toPrincipal(token), until };
  }

  async #session(secret: string): Promise<{ principal: Principal; until: number }> {
    const checker = this.#sessions;
    let session = checker && (await this.#store.sessions.findBySecret(secret));
    if (!checker || !session) throw unauthenticated('the session is unknown or expired; sign in');
    if (checker.staleAt(session) <= this.#now()) session = await checker.refresh(session);
    const roles = await this.#store.members.rolesOf(session.username, session.groups);
    const principal: UserPrincipal = {
      kind: 'user',
      tokenId: session.id,
      name: session.username,
      groups: session.groups,
      roles,
      expiresAt: session.expiresAt,
    };
    return { principal, until: Math.min(session.expiresAt, checker.staleAt(session)) };
  }

  /** Drops cached entries of a revoked token or ended session. */
  forget(tokenId: string): void {
    for (const [hash, entry] of this.#cache)
      if (entry.principal.tokenId === tokenId) this.#cache.delete(hash);
  }

  /** Forgets every cached principal (after project memberships change). */
  forgetAll(): void {
    this.#cache.clear();
  }

  /**
   * Checks that `principal` may act in `project` with `role`: 404 when the project is invisible
   * to it or does not exist, 403 when its role is too low.
   */
  async authorize(principal: Principal, project: string, role: TokenRole): Promise<void> {
    const has = roleIn(principal, project);
    if (has === undefined) throw errors.notFound('Project', project);
    await this.#requireProject(project);
    if (!roleAllows(has, role)) throw forbidden(principal, has, role);
  }

  /** Platform-wide actions (creating and deleting projects) need a platform admin token. */
  requirePlatformAdmin(principal: Principal): void {
    if (principal.kind !== 'token' || principal.project !== null || principal.role !== 'admin') {
      throw new BerthError('BERTH_ERR_FORBIDDEN', 'this needs a platform-wide admin token');
    }
  }

  /** Forgets that a project exists (after deleting it). */
  forgetProject(project: string): void {
    this.#projects.delete(project);
  }

  async #requireProject(project: string): Promise<void> {
    const until = this.#projects.get(project);
    if (until !== undefined && until > this.#now()) return;
    await this.#store.projects.require(project);
    this.#projects.set(project, this.#now() + this.#ttlMs);
  }
}

/** The principal's role in `project`; undefined when the project is invisible to it. */
export function roleIn(principal: Principal, project: string): TokenRole | undefined {
  if (principal.kind === 'user') return principal.roles[project];
  if (principal.project !== null && principal.project !== project) return undefined;
  return principal.role;
}

/** The projects a principal sees; undefined: all of them. */
export function visibleProjects(principal: Principal): string[] | undefined {
  if (principal.kind === 'user') return Object.keys(principal.roles).sort();
  return principal.project === null ? undefined : [principal.project];
}

/** The highest role a principal holds anywhere (a user with no role: viewer of nothing). */
export function highestRole(principal: Principal): TokenRole {
  if (principal.kind === 'token') return principal.role;
  const held = Object.values(principal.roles);
  return [...TOKEN_ROLES].reverse().find((r) => held.includes(r)) ?? 'viewer';
}

/** `token "ci"` or `user "alice"`, for events and messages. */
export function describePrincipal(principal: Principal): string {
  return `${principal.kind} "${principal.name}"`;
}

function toPrincipal(token: Token): Principal {
  return {
    kind: 'token',
    tokenId: token.id,
    name: token.name,
    project: token.project,
    role: token.role,
  };
}

function unauthenticated(message: string): BerthError {
  return new BerthError('BERTH_ERR_UNAUTHENTICATED', message);
}

function forbidden(principal: Principal, has: TokenRole, role: TokenRole): BerthError {
  return new BerthError(
    'BERTH_ERR_FORBIDDEN',
    `this needs the ${role} role; the ${describePrincipal(principal)} is ${has}`,
  );
}
