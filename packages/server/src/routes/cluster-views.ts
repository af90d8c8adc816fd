/**
 * Views the controllers fill: the admin kubeconfig and the cluster's nodes. Until a source is
 * wired they answer 501; a wired source with nothing to show yet answers 409 (not ready), never a
 * made-up file.
 */
import { Type } from '@sinclair/typebox';
import { NodeList } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import {
  errorResponses,
  ok,
  principalOf,
  ClusterParams,
  CLUSTER_PATH,
  type RouteContext,
} from '../http.js';

function notWired(what: string): BerthError {
  return new BerthError(
    'BERTH_ERR_NOT_IMPLEMENTED',
    `${what} is not available: this server runs without controllers`,
  );
}

function abortOnClose(raw: { on(event: 'close', fn: () => void): unknown }): AbortSignal {
  const controller = new AbortController();
  raw.on('close', () => controller.abort());
  return controller.signal;
}

export function clusterViewRoutes({ app, auth, store, deps }: RouteContext): void {
  app.get(`${CLUSTER_PATH}/kubeconfig`, {
    schema: {
      tags: ['clusters'],
      summary: 'Admin kubeconfig (YAML) of a cluster whose control plane is up; needs member',
      operationId: 'getClusterKubeconfig',
      params: ClusterParams,
      response: {
        200: {
          description: 'kubeconfig',
          content: { 'application/yaml': { schema: Type.String() } },
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'member');
      const found = await store.clusters.require({ project, name: cluster });
      if (!deps.kubeconfigs) throw notWired('the kubeconfig');
      const yaml = await deps.kubeconfigs.adminKubeconfig(found, abortOnClose(request.raw));
      if (yaml === undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `cluster "${cluster}" is not ready (phase ${found.status.phase}); its kubeconfig exists once the control plane is up`,
          { details: { phase: found.status.phase } },
        );
      }
      return reply
        .type('application/yaml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${cluster}.kubeconfig"`)
        .header('cache-control', 'no-store')
        .send(yaml as never);
    },
  });

  app.get(`${CLUSTER_PATH}/nodes`, {
    schema: {
      tags: ['clusters'],
      summary: 'Machines of a cluster with their Kubernetes node state',
      operationId: 'listClusterNodes',
      params: ClusterParams,
      response: ok(NodeList),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      const found = await store.clusters.require({ project, name: cluster });
      if (!deps.nodes) throw notWired('the node list');
      return { metadata: {}, items: await deps.nodes.listNodes(found, abortOnClose(request.raw)) };
    },
  });
}
