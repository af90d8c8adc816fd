/**
 * Who may pull and push which repository: the authorization matrix of Berth's registry, as pure
 * functions the token endpoint applies to every requested scope.
 *
 * | repository            | anonymous | viewer of p | member / admin of p | platform token | Berth itself |
 * | --------------------- | --------- | ----------- | ------------------- | -------------- | ------------ |
 * | `berth/*`             | pull      | pull        | pull                | pull           | pull, push   |
 * | `<p>/*`               | —         | pull        | pull, push          | pull, push*    | —            |
 * | `<q>/*` (other)       | —         | —           | —                   | by its role    | —            |
 * | `name` (one segment)  | —         | —           | —                   | —              | —            |
 *
 * A platform-wide token (project null) acts in every project with its role. `berth/` belongs
 * to the platform whatever projects exist; catalog and other resource types are never granted.
 */
export type RegistryRole = 'viewer' | 'member' | 'admin';
export type RegistryAction = 'pull' | 'push';

export interface RegistryPrincipal {
  /** The token's `sub`: who, never a secret (e.g. `token:<id>`, `cluster:<uid>`). */
  subject: string;
  /** The project it acts in; null for every project (a platform-wide token). */
  project: string | null;
  role: RegistryRole;
  /** Berth publishing its platform images: the only principal that pushes `berth/*`. */
  platform?: boolean;
}

/** One scope of a token request: `repository:default/app:pull,push`. */
export interface RequestedAccess {
  type: string;
  name: string;
  actions: string[];
}

/** Granted access, as the token's `access` claim lists it. */
export interface GrantedAccess {
  type: 'repository';
  name: string;
  actions: RegistryAction[];
}

export const PLATFORM_NAMESPACE = 'berth';

export const BERTH_PLATFORM: RegistryPrincipal = {
  subject: 'berth',
  project: null,
  role: 'admin',
  platform: true,
};

/** What `principal` (undefined: anonymous) may do on `repository`. */
export function allowedActions(
  principal: RegistryPrincipal | undefined,
  repository: string,
): RegistryAction[] {
  const slash = repository.indexOf('/');
  if (slash <= 0) return [];
  const namespace = repository.slice(0, slash);
  if (namespace === PLATFORM_NAMESPACE) return principal?.platform ? ['pull', 'push'] : ['pull'];
  if (principal === undefined || principal.platform) return [];
  if (principal.project !== null && principal.project !== namespace) return [];
  return principal.role === 'viewer' ? ['pull'] : ['pull', 'push'];
}

/**
 * Parses `scope` parameters (each may hold several space-separated scopes) into requests.
 * Malformed scopes are dropped: the spec grants what it can and the registry refuses the rest.
 */
export function parseScopes(params: readonly string[]): RequestedAccess[] {
  const out: RequestedAccess[] = [];
  for (const scope of params.flatMap((p) => p.split(' ')).filter((s) => s !== '')) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first) continue;
    out.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope
        .slice(last + 1)
        .split(',')
        .filter((a) => a !== ''),
    });
  }
  return out;
}

/** The subset of `requested` that `principal` is allowed, merged per repository. */
export function grantAccess(
  principal: RegistryPrincipal | undefined,
  requested: readonly RequestedAccess[],
): GrantedAccess[] {
  const granted = new Map<string, Set<RegistryAction>>();
  for (const r of requested) {
    if (r.type !== 'repository') continue;
    const allowed = allowedActions(principal, r.name);
    const wanted = r.actions.includes('*') ? allowed : allowed.filter((a) => r.actions.includes(a));
    if (wanted.length === 0) continue;
    const set = granted.get(r.name) ?? new Set<RegistryAction>();
    for (const a of wanted) set.add(a);
    granted.set(r.name, set);
  }
  return [...granted].map(([name, actions]) => ({
    type: 'repository' as const,
    name,
    actions: (['pull', 'push'] as const).filter((a) => actions.has(a)),
  }));
}
