/**
 * Unauthenticated endpoints: `/healthz` (the process answers), `/readyz` (the store answers),
 * `/metrics` (Prometheus text) and `/openapi.json`. They reveal no tenant data.
 */
import { Type } from '@sinclair/typebox';
import { BerthError } from '@berth/errors';
import type { RouteContext } from '../http.js';
import { hoistTitledSchemas } from '../openapi-hoist.js';

const Status = Type.Object({ status: Type.String() }, { additionalProperties: false });

export function healthRoutes({ app, store, deps }: RouteContext): void {
  const publicRoute = { security: [], tags: ['operations'] };
  app.get('/healthz', {
    schema: {
      ...publicRoute,
      summary: 'Liveness',
      operationId: 'healthz',
      response: { 200: Status },
    },
    handler: async () => ({ status: 'ok' }),
  });
  app.get('/readyz', {
    schema: {
      ...publicRoute,
      summary: 'Readiness: the store answers',
      operationId: 'readyz',
      response: { 200: Status },
    },
    handler: async () => {
      await store.ping().catch((cause: unknown) => {
        throw new BerthError('BERTH_ERR_UNAVAILABLE', 'the store does not answer', { cause });
      });
      return { status: 'ok' };
    },
  });
  app.get('/metrics', {
    schema: { ...publicRoute, summary: 'Prometheus metrics', operationId: 'metrics' },
    handler: async (_request, reply) => {
      const text = await deps.metrics.metrics();
      return reply.type(deps.metrics.contentType).send(text);
    },
  });
  app.get('/openapi.json', {
    schema: { ...publicRoute, hide: true },
    handler: async () => hoistTitledSchemas(app.swagger() as unknown as Record<string, unknown>),
  });
}
