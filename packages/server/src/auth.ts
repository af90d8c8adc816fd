/**
 * Bearer-token authentication and project-scoped authorization.
 *
 * - Missing or unknown token → 401. A token sees only its project (a platform token, whose
 *   `project` is null, sees all): any other project, and everything in it, answers 404 exactly as
 *   if it did not exist. Inside a visible project, a role below the one needed → 403.
 * - Verified tokens are cached for `ttlMs` (default 10 s) keyed by the secret's hash, so most
 *   requests cost no query. Revoking in this process drops the entry at once; other replicas
 *   notice within the TTL.
 */
import type { FastifyRequest } from 'fastify';
import { roleAllows, type Token, type TokenRole } from '@berth/api-types';
import { BerthError, errors } from '@berth/errors';
import { hashSecret, type Store } from '@berth/store';

export interface Principal {
  tokenId: string;
  name: string;
  /** null: platform-wide. */
  project: string | null;
  role: TokenRole;
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

  constructor(store: Store, now: () => number, ttlMs = 10_000) {
    this.#store = store;
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  /** Resolves the request's token; throws BERTH_ERR_UNAUTHENTICATED. */
  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw unauthenticated('send Authorization: Bearer <token>');
    const hash = hashSecret(match[1]!);
    const cached = this.#cache.get(hash);
    if (cached && cached.until > this.#now()) return cached.principal;
    const token = await this.#store.tokens.findBySecret(match[1]!);
    if (!token) {
      this.#cache.delete(hash);
      throw unauthenticated('the token is unknown, revoked or expired');
    }
    const principal = toPrincipal(token);
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    const expiry = token.expiresAt ? Date.parse(token.expiresAt) : Infinity;
    this.#cache.set(hash, { principal, until: Math.min(this.#now() + this.#ttlMs, expiry) });
    return principal;
  }

  /** Drops cached entries of a revoked token. */
  forget(tokenId: string): void {
    for (const [hash, entry] of this.#cache)
      if (entry.principal.tokenId === tokenId) this.#cache.delete(hash);
  }

  /**
   * Checks that `principal` may act in `project` with `role`: 404 when the project is invisible
   * to it or does not exist, 403 when its role is too low.
   */
  async authorize(principal: Principal, project: string, role: TokenRole): Promise<void> {
    if (principal.project !== null && principal.project !== project)
      throw errors.notFound('Project', project);
    await this.#requireProject(project);
    if (!roleAllows(principal.role, role)) throw forbidden(principal, role);
  }

  /** Platform-wide actions (creating and deleting projects) need a platform admin token. */
  requirePlatformAdmin(principal: Principal): void {
    if (principal.project !== null || principal.role !== 'admin') {
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

function toPrincipal(token: Token): Principal {
  return { tokenId: token.id, name: token.name, project: token.project, role: token.role };
}

function unauthenticated(message: string): BerthError {
  return new BerthError('BERTH_ERR_UNAUTHENTICATED', message);
}

function forbidden(principal: Principal, role: TokenRole): BerthError {
  return new BerthError(
    'BERTH_ERR_FORBIDDEN',
    `this needs the ${role} role; the token "${principal.name}" is ${principal.role}`,
  );
}
