/**
 * `GET /v1/whoami`: who the request's token is. For an API token: id, name, project, role. For a
 * directory user's session: the user name, directory groups (as last checked), the role in each
 * project and the session's expiry. Any valid token may ask; the secret is never part of it.
 */
import { TokenIdentity } from '@berth/api-types';
import { highestRole } from '../auth.js';
import { ok, principalOf, type RouteContext } from '../http.js';

export function whoamiRoutes({ app }: RouteContext): void {
  app.get('/v1/whoami', {
    schema: {
      tags: ['tokens'],
      summary: 'Who this request is: the token, or the signed-in user with groups and roles',
      operationId: 'whoami',
      response: ok(TokenIdentity),
    },
    handler: async (request): Promise<TokenIdentity> => {
      const principal = principalOf(request);
      if (principal.kind === 'token') {
        const { tokenId: id, kind, name, project, role } = principal;
        return { id, kind, name, project, role };
      }
      return {
        id: principal.tokenId,
        kind: 'user',
        name: principal.name,
        project: null,
        role: highestRole(principal),
        groups: principal.groups,
        roles: principal.roles,
        expiresAt: new Date(principal.expiresAt).toISOString(),
      };
    },
  });
}
