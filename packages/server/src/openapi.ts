/**
 * OpenAPI 3.1 document options for @fastify/swagger; the document itself is generated from the
 * route schemas (`app.swagger()`), served at `/openapi.json` and committed as `api/openapi.json`
 * (`npm run openapi -w @berth/server` regenerates it; a test fails when they drift).
 */
import type { SwaggerOptions } from '@fastify/swagger';

const description = `The Berth API: Kubernetes clusters as declarative objects.

Authenticate with \`Authorization: Bearer <token>\`. Errors are \`application/problem+json\` with a
stable \`code\`. Long actions answer 202 with an operation to poll at \`/v1/operations/{id}\`.
Every POST honours \`Idempotency-Key\`. PATCH takes a JSON merge patch (RFC 7396). See docs/api.md.`;

export function openApiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Berth API', version: '1.0.0', description },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'catalog', description: 'What a cluster spec may name' },
        { name: 'projects', description: 'Tenancy: every object lives in a project' },
        { name: 'tokens', description: 'API tokens with a role' },
        {
          name: 'clusters',
          description: 'Clusters, their lifecycle, events, kubeconfig and nodes',
        },
        { name: 'node groups', description: 'Pools of worker servers' },
        { name: 'addons', description: 'Optional cluster extensions' },
        {
          name: 'monitoring',
          description: "PromQL against a cluster's Prometheus (the monitoring addon)",
        },
        { name: 'infrastructure', description: 'Read-only views of what Berth made' },
        { name: 'registry', description: "The platform's container registry" },
        { name: 'operations', description: 'Progress of long actions; health and metrics' },
      ],
    },
  };
}
