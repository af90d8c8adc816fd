/**
 * `POST /v1/login`: a directory user signs in with name and password and gets a session token.
 * The one `/v1` route that needs no bearer token (see `PUBLIC_ROUTES`). Failed attempts are rate
 * limited per (user, client address) and per user; a refusal carries `Retry-After`. Without a
 * configured directory (`BERTH_LDAP_URL`) it answers 501. `POST /v1/logout` ends a session.
 */
import { LoginRequest, LoginResponse } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import { Type } from '@sinclair/typebox';
import { errorResponses, principalOf, type RouteContext } from '../http.js';

export function loginRoutes({ app, identity }: RouteContext): void {
  app.post('/v1/login', {
    schema: {
      tags: ['identity'],
      summary: 'Sign in a directory (LDAP / Active Directory) user; returns a session token',
      operationId: 'login',
      security: [],
      body: LoginRequest,
      response: { 200: LoginResponse, ...errorResponses },
    },
    handler: async (request, reply): Promise<LoginResponse> => {
      if (!identity) {
        throw new BerthError(
          'BERTH_ERR_NOT_IMPLEMENTED',
          'no user directory is configured on this server (BERTH_LDAP_URL); use an API token',
        );
      }
      const { username, password } = request.body;
      try {
        return await identity.login(username, password, request.ip);
      } catch (err) {
        const wait = retryAfter(err);
        if (wait !== undefined) void reply.header('retry-after', String(wait));
        throw err;
      }
    },
  });
}

export function logoutRoutes({ app, store, auth }: RouteContext): void {
  app.post('/v1/logout', {
    schema: {
      tags: ['identity'],
      summary: "End the caller's session (a directory user's session token stops working at once)",
      operationId: 'logout',
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'user') {
        throw new BerthError(
          'BERTH_ERR_BAD_REQUEST',
          'only session tokens sign out; revoke an API token with DELETE /v1/projects/{p}/tokens/{id}',
        );
      }
      await store.sessions.delete(principal.tokenId);
      auth.forget(principal.tokenId);
      return reply.code(204).send(null);
    },
  });
}

function retryAfter(err: unknown): number | undefined {
  if (!(err instanceof BerthError) || err.code !== 'BERTH_ERR_RATE_LIMITED') return undefined;
  const details = err.details as { retryAfterSeconds?: number } | undefined;
  return details?.retryAfterSeconds;
}

export const PUBLIC_ROUTES = new Set(['/v1/login']);
