/** `GET /v1/operations/{id}`: progress of a long action, visible to tokens of its project. */
import { Type } from '@sinclair/typebox';
import { Operation } from '@berth/api-types';
import { errors } from '@berth/errors';
import { Name, ok, principalOf, type RouteContext } from '../http.js';

export function operationRoutes({ app, auth, store }: RouteContext): void {
  app.get('/v1/operations/:id', {
    schema: {
      tags: ['operations'],
      summary: 'Progress of a long action (poll until phase is Succeeded or Failed)',
      operationId: 'getOperation',
      params: Type.Object({ id: Name }),
      response: ok(Operation),
    },
    handler: async (request) => {
      const operation = await store.operations.get(request.params.id);
      if (!operation) throw errors.notFound('Operation', request.params.id);
      // Someone else's operation is indistinguishable from a missing one.
      await auth.authorize(principalOf(request), operation.target.project, 'viewer').catch(() => {
        throw errors.notFound('Operation', request.params.id);
      });
      return operation;
    },
  });
}
