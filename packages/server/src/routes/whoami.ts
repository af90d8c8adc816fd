/**
 * `GET /v1/whoami`: the caller's own token (id, name, project, role), so a client can show who
 * is signed in and offer only what the role allows. Any valid token may ask; the secret is never
 * part of the answer.
 */
import { TokenIdentity } from '@berth/api-types';
import { ok, principalOf, type RouteContext } from '../http.js';

export function whoamiRoutes({ app }: RouteContext): void {
  app.get('/v1/whoami', {
    schema: {
      tags: ['tokens'],
      summary: 'The token this request carries: its project and role',
      operationId: 'whoami',
      response: ok(TokenIdentity),
    },
    handler: async (request): Promise<TokenIdentity> => {
      const principal = principalOf(request);
      return {
        id: principal.tokenId,
        name: principal.name,
        project: principal.project,
        role: principal.role,
      };
    },
  });
}
