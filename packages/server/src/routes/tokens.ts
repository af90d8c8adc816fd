/** API tokens of a project: list, create (secret shown once), revoke. Needs the admin role. */
import { Type } from '@sinclair/typebox';
import { ListQuery, TokenCreateRequest, TokenList, TokenWithSecret } from '@berth/api-types';
import {
  errorResponses,
  listMeta,
  ok,
  principalOf,
  ProjectParams,
  type RouteContext,
  Name,
} from '../http.js';

export function tokenRoutes({ app, store, auth }: RouteContext): void {
  app.get('/v1/projects/:project/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'List API tokens (never their secrets)',
      operationId: 'listTokens',
      params: ProjectParams,
      querystring: ListQuery,
      response: ok(TokenList),
    },
    handler: async (request) => {
      await auth.authorize(principalOf(request), request.params.project, 'admin');
      const page = await store.tokens.list(request.params.project, request.query);
      return { metadata: listMeta(page), items: page.items } satisfies TokenList;
    },
  });

  app.post('/v1/projects/:project/tokens', {
    config: { idempotency: 'secret' },
    schema: {
      tags: ['tokens'],
      summary: 'Create an API token; the response carries its secret, shown this once',
      operationId: 'createToken',
      params: ProjectParams,
      body: TokenCreateRequest,
      response: { 201: TokenWithSecret, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { project } = request.params;
      await auth.authorize(principalOf(request), project, 'admin');
      const { name, role, expiresAt } = request.body;
      const { token, secret } = await store.tokens.create({
        name,
        role,
        project,
        expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt),
      });
      return reply.code(201).send({ ...token, secret });
    },
  });

  app.delete('/v1/projects/:project/tokens/:id', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke an API token',
      operationId: 'deleteToken',
      params: Type.Object({
        project: Name,
        id: Name,
      }),
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await auth.authorize(principalOf(request), request.params.project, 'admin');
      const token = await store.tokens.delete(request.params.project, request.params.id);
      auth.forget(token.id);
      return reply.code(204).send(null);
    },
  });
}
