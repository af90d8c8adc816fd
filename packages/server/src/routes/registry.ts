/**
 * `GET /v1/registry`: the platform registry's endpoint and CA, for any valid token (what to
 * push to and trust; pushing and pulling are then authorised per project by the registry's
 * token endpoint, see docs/registry.md). 501 when this server runs no registry.
 */
import { RegistryInfo } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import { ok, principalOf, type RouteContext } from '../http.js';

export function registryRoutes({ app, deps }: RouteContext): void {
  app.get('/v1/registry', {
    schema: {
      tags: ['registry'],
      summary: "The platform's container registry: endpoint and CA certificate",
      operationId: 'getRegistry',
      response: ok(RegistryInfo),
    },
    handler: async (request) => {
      principalOf(request);
      if (!deps.registry) {
        throw new BerthError(
          'BERTH_ERR_NOT_IMPLEMENTED',
          'this server runs no container registry (started with --no-registry or BERTH_REGISTRY=off)',
        );
      }
      return deps.registry.info();
    },
  });
}
