/**
 * Lifecycle actions: `POST …/clusters/{c}:stop` (only from Running), `:start` (only from
 * Stopped), `:upgrade {version, controlPlaneOnly?}` (Running; known version, no downgrade,
 * ≤ one minor up, no group left > 3 minors behind; the same version again retries),
 * `:renew-certificates {onlyExpiringWithinDays?}` (Running, with a PKI and 3 or 5 masters).
 * A literal ':' in a path needs a regex-bounded parameter in find-my-way, hence `(^[^:/]+)`.
 */
import { RenewCertificatesRequest, UpgradeRequest } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import { errorResponses, principalOf, ClusterParams, type RouteContext } from '../http.js';
import { abortOnClose } from './cluster-views.js';
import { ClusterAccepted } from './clusters.js';

const ACTION_PREFIX = '/v1/projects/:project/clusters/:cluster(^[^:/]+)::';

export function clusterActionRoutes({ app, auth, clusters, deps, store }: RouteContext): void {
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
      ...schema(
        'upgrade',
        'Upgrade a Running cluster by at most one minor version: masters first, then node groups',
      ),
      body: UpgradeRequest,
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(await clusters.upgrade(principal, { project, name: cluster }, request.body));
    },
  });

  app.post(`${ACTION_PREFIX}renew-certificates`, {
    schema: {
      ...schema(
        'renewCertificates',
        "Re-issue a Running cluster's control-plane certificates and roll its masters one at a time",
      ),
      operationId: 'renewClusterCertificates',
      body: RenewCertificatesRequest,
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      const found = await store.clusters.require({ project, name: cluster });
      if (!deps.certificates)
        throw new BerthError(
          'BERTH_ERR_NOT_IMPLEMENTED',
          'certificate renewal is not available: this server makes no cluster PKI (memory provider, or no controllers)',
        );
      const current = await deps.certificates.certificates(found, abortOnClose(request.raw));
      if (current === undefined)
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `cluster "${cluster}" has no certificates yet (phase ${found.status.phase})`,
          { details: { phase: found.status.phase } },
        );
      return reply
        .code(202)
        .send(
          await clusters.renewCertificates(principal, { project, name: cluster }, request.body),
        );
    },
  });
}
