/**
 * `GET /v1/projects/{p}/{networks,routers,servers,securitygroups,loadbalancers,volumes,floatingips}`:
 * read-only views of the infrastructure Berth made for the project (`?cluster=` narrows to one
 * cluster). Volumes come as `InfraVolume`s (purpose, claim, node). 501 until the composition
 * root wires an InfraReader.
 */
import { Type } from '@sinclair/typebox';
import { INFRA_KINDS, InfraList, InfraVolumeList, NO_CONTROL_CHARS } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { InfraScope } from '../deps.js';
import { ok, principalOf, ProjectParams, type RouteContext } from '../http.js';

const InfraQuery = Type.Object(
  {
    cluster: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: NO_CONTROL_CHARS,
        description: 'Only objects of this cluster',
      }),
    ),
  },
  { additionalProperties: false },
);

export function infraRoutes({ app, auth, deps }: RouteContext): void {
  for (const kind of INFRA_KINDS) {
    app.get(`/v1/projects/:project/${kind}`, {
      schema: {
        tags: ['infrastructure'],
        summary: `The ${kind} Berth made for this project (read-only)`,
        operationId: `list${kind[0]!.toUpperCase()}${kind.slice(1)}`,
        params: ProjectParams,
        querystring: InfraQuery,
        response: ok(kind === 'volumes' ? InfraVolumeList : InfraList),
      },
      handler: async (request) => {
        const { project } = request.params;
        await auth.authorize(principalOf(request), project, 'viewer');
        if (!deps.infra) {
          throw new BerthError(
            'BERTH_ERR_NOT_IMPLEMENTED',
            `listing ${kind} is not available: no infrastructure provider is wired`,
          );
        }
        const controller = new AbortController();
        request.raw.on('close', () => controller.abort());
        const scope: InfraScope =
          request.query.cluster === undefined
            ? { project }
            : { project, cluster: request.query.cluster };
        const items =
          kind === 'volumes'
            ? await deps.infra.volumes(scope, controller.signal)
            : await deps.infra.list(kind, scope, controller.signal);
        return { metadata: {}, items };
      },
    });
  }
}
