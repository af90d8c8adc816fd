/**
 * Views the controllers fill: kubeconfigs (the admin's, or a directory user's own) and the
 * cluster's nodes. Until a source is
 * wired they answer 501; a wired source with nothing to show yet answers 409 (not ready), never a
 * made-up file.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ClusterAuditList, ClusterCertificateList, NodeList, type Cluster } from '@berth/api-types';
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

export function abortOnClose(raw: { on(event: 'close', fn: () => void): unknown }): AbortSignal {
  const controller = new AbortController();
  raw.on('close', () => controller.abort());
  return controller.signal;
}

export function clusterViewRoutes({ app, auth, store, deps }: RouteContext): void {
  app.get(`${CLUSTER_PATH}/kubeconfig`, {
    schema: {
      tags: ['clusters'],
      summary:
        "Kubeconfig (YAML): a directory user's own (exec plugin, any role), else the admin one (member)",
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
      const principal = principalOf(request);
      // A person gets a kubeconfig that is them (any role: the cluster's RBAC decides); tokens
      // with member or admin get the admin kubeconfig, as before.
      await auth.authorize(principal, project, principal.kind === 'user' ? 'viewer' : 'member');
      const found = await store.clusters.require({ project, name: cluster });
      if (!deps.kubeconfigs) throw notWired('the kubeconfig');
      const signal = abortOnClose(request.raw);
      const yaml =
        principal.kind === 'user'
          ? await userKubeconfig(deps, found, principal.name, endpointOf(request), signal)
          : await deps.kubeconfigs.adminKubeconfig(found, signal);
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

  app.get(`${CLUSTER_PATH}/certificates`, {
    schema: {
      tags: ['clusters'],
      summary: "The cluster's control-plane certificates and when they expire (never keys)",
      operationId: 'listClusterCertificates',
      params: ClusterParams,
      response: ok(ClusterCertificateList),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      const found = await store.clusters.require({ project, name: cluster });
      if (!deps.certificates) throw notWired('the certificate list');
      const items = await deps.certificates.certificates(found, abortOnClose(request.raw));
      if (items === undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `cluster "${cluster}" has no certificates yet (phase ${found.status.phase})`,
          { details: { phase: found.status.phase } },
        );
      }
      return { items };
    },
  });

  app.get(`${CLUSTER_PATH}/audit`, {
    schema: {
      tags: ['clusters'],
      summary:
        "The cluster's API audit events, newest first (its API servers send them to Berth); admin",
      operationId: 'listClusterAuditEvents',
      params: ClusterParams,
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      }),
      response: ok(ClusterAuditList),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'admin');
      const found = await store.clusters.require({ project, name: cluster });
      const events = await store.clusterAudit.list(found.metadata.uid, request.query.limit ?? 100);
      return { items: events.map((e) => e.event) };
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

async function userKubeconfig(
  deps: RouteContext['deps'],
  cluster: Cluster,
  username: string,
  endpoint: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (!deps.kubeconfigs?.userKubeconfig || !deps.clusterTokens) {
    throw new BerthError(
      'BERTH_ERR_NOT_IMPLEMENTED',
      "this server issues no cluster tokens for directory users (they need the platform registry's address, where clusters reach Berth)",
    );
  }
  const args = [
    'kubectl-credentials',
    '--endpoint',
    endpoint,
    '--project',
    cluster.metadata.project,
    cluster.metadata.name,
  ];
  return deps.kubeconfigs.userKubeconfig(
    cluster,
    { name: username, exec: { command: 'berth', args } },
    signal,
  );
}

/** The Berth endpoint as this client reached it (what the exec plugin calls back). */
function endpointOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
