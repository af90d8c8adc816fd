/**
 * The signed-in session as React context: the typed `/v1` client (carrying the tab's token),
 * who the token is (`/v1/whoami`) and what its role may do. Views read it with `useSession()`.
 */
import { createContext, useContext } from 'react';
import type { TokenIdentity, TokenRole } from '@berth/api-types';
import { BerthClient, type Fetch } from '@berth/client';
import type { PrefetchedList } from './cluster-list.js';

export interface Session {
  client: BerthClient;
  identity: TokenIdentity;
  /** The projects this token may pick from (one for a project token). */
  projects: string[];
  /** A clusters list read started while the session was restored (see cluster-list.ts). */
  prefetched?: PrefetchedList | undefined;
  signOut(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

const ORDER: TokenRole[] = ['viewer', 'member', 'admin'];

/**
 * The role in `project`: a token's own, a directory user's role there (`roles`), else — no
 * project named — the highest the identity holds.
 */
export function roleIn(identity: TokenIdentity, project?: string): TokenRole | undefined {
  if (identity.kind === 'user' && project !== undefined) return identity.roles?.[project];
  return identity.role;
}

/**
 * True when the signed-in identity's role (in `project`, for a directory user) includes `needed`.
 * The API checks again regardless.
 */
export function can(identity: TokenIdentity, needed: TokenRole, project?: string): boolean {
  const role = roleIn(identity, project);
  return role !== undefined && ORDER.indexOf(role) >= ORDER.indexOf(needed);
}

/** A client of the API this page was served from. */
export function clientFor(token: string, fetchFn?: Fetch, endpoint?: string): BerthClient {
  return new BerthClient({
    endpoint: endpoint ?? window.location.origin,
    token,
    userAgent: 'berth-console/0.1.0',
    // A person is waiting: two quick retries, not the CLI's patient five.
    retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1_000 },
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
}

/** Checks a token and returns what the session needs, or throws the API's error. */
export async function openSession(
  client: BerthClient,
): Promise<{ identity: TokenIdentity; projects: string[] }> {
  const identity = await client.whoami();
  if (identity.project !== null) return { identity, projects: [identity.project] };
  const projects = await client.projects.listAll();
  return { identity, projects: projects.map((p) => p.metadata.name) };
}
