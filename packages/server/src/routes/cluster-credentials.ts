/**
 * `POST …/clusters/{c}/credentials`: what `berth kubectl-credentials` (the exec credential
 * plugin in a directory user's kubeconfig) calls. Answers a client.authentication.k8s.io/v1
 * ExecCredential holding a short-lived JWT that only this cluster's API server accepts, naming
 * the user and their directory groups as the session last checked them. Any role in the project
 * may ask (the cluster's RBAC decides what the user may do); API tokens get 403 — they are not
 * people and use the admin kubeconfig.
 */
import { Type } from '@sinclair/typebox';
import { BerthError } from '@berth/errors';
import {
  ClusterParams,
  CLUSTER_PATH,
  errorResponses,
  principalOf,
  type RouteContext,
} from '../http.js';

export const ExecCredential = Type.Object(
  {
    apiVersion: Type.Literal('client.authentication.k8s.io/v1'),
    kind: Type.Literal('ExecCredential'),
    status: Type.Object({
      token: Type.String({ description: 'A JWT for this cluster only; a secret' }),
      expirationTimestamp: Type.String({ format: 'date-time' }),
    }),
  },
  { title: 'ExecCredential' },
);

export function clusterCredentialRoutes({ app, auth, store, deps }: RouteContext): void {
  app.post(`${CLUSTER_PATH}/credentials`, {
    schema: {
      tags: ['identity'],
      summary: "A short-lived token for the cluster's API server as the signed-in directory user",
      operationId: 'getClusterCredentials',
      params: ClusterParams,
      response: { 200: ExecCredential, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { project, cluster } = request.params;
      const principal = principalOf(request);
      await auth.authorize(principal, project, 'viewer');
      if (principal.kind !== 'user') {
        throw new BerthError(
          'BERTH_ERR_FORBIDDEN',
          'cluster credentials are for signed-in directory users; API tokens use the admin kubeconfig',
        );
      }
      const found = await store.clusters.require({ project, name: cluster });
      if (!deps.clusterTokens) {
        throw new BerthError(
          'BERTH_ERR_NOT_IMPLEMENTED',
          'this server issues no cluster tokens (it runs without the platform registry)',
        );
      }
      const { token, expiresAt } = await deps.clusterTokens.mint({
        clusterUid: found.metadata.uid,
        username: principal.name,
        groups: principal.groups,
      });
      return reply.header('cache-control', 'no-store').send({
        apiVersion: 'client.authentication.k8s.io/v1' as const,
        kind: 'ExecCredential' as const,
        status: { token, expirationTimestamp: new Date(expiresAt).toISOString() },
      });
    },
  });
}
