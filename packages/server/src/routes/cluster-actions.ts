/**
 * Lifecycle actions: `POST …/clusters/{c}:stop` (only from Running), `:start` (only from
 * Stopped), `:upgrade {version}` (Running; known version, no downgrade, ≤ one minor up).
 * A literal ':' in a path needs a regex-bounded parameter in find-my-way, hence `(^[^:/]+)`.
 */
import { UpgradeRequest } from '@berth/api-types';
import { errorResponses, principalOf, ClusterParams, type RouteContext } from '../http.js';
import { ClusterAccepted } from './clusters.js';

const ACTION_PREFIX = '/v1/projects/:project/clusters/:cluster(^[^:/]+)::';

export function clusterActionRoutes({ app, auth, clusters }: RouteContext): void {
  const schema = (action: string, summary: string) => ({
    tags: ['clusters'],
    summary,
    operationId: `${action}Cluster`,
    params: ClusterParams,
    response: { 202: ClusterAccepted, ...errorResponses },
  });

  app.post(`${ACTION_PREFIX}stop`, {
    schema: schema('stop', 'Stop a Running cluster (servers off, state kept)'),
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply.code(202).send(await clusters.stop(principal, { project, name: cluster }));
    },
  });

  app.post(`${ACTION_PREFIX}start`, {
    schema: schema('start', 'Start a Stopped cluster'),
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply.code(202).send(await clusters.start(principal, { project, name: cluster }));
    },
  });

  app.post(`${ACTION_PREFIX}upgrade`, {
    schema: {
      ...schema('upgrade', 'Upgrade a Running cluster by at most one minor version'),
      body: UpgradeRequest,
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(await clusters.upgrade(principal, { project, name: cluster }, request.body.version));
    },
  });
}
