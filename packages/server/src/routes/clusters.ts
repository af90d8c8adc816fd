/**
 * Clusters: list (served from a page cache keyed by the collection's version), create (202 +
 * operation), read, merge-patch, delete (202 + operation).
 */
import { Type } from '@sinclair/typebox';
import {
  API_VERSION,
  Cluster,
  ClusterCreateRequest,
  ClusterList,
  ListQuery,
  Operation,
} from '@berth/api-types';
import {
  errorResponses,
  listMeta,
  MergePatchBody,
  ok,
  principalOf,
  ClusterParams,
  ProjectParams,
  CLUSTER_PATH,
  type RouteContext,
} from '../http.js';
import { watchClusters, watchStart } from '../cluster-watch.js';

export const ClusterAccepted = Type.Object(
  { cluster: Cluster, operation: Operation },
  { additionalProperties: false, title: 'ClusterAccepted' },
);
const ClusterPatched = Type.Object(
  { cluster: Cluster },
  { additionalProperties: false, title: 'ClusterPatched' },
);

const JSON_TYPE = 'application/json; charset=utf-8';

export function clusterRoutes(context: RouteContext): void {
  const { app, auth, clusters, store } = context;

  app.get('/v1/projects/:project/clusters', {
    schema: {
      tags: ['clusters'],
      summary:
        'List clusters (paginated: limit ≤ 500, continue); Accept: text/event-stream watches changes',
      operationId: 'listClusters',
      params: ProjectParams,
      querystring: ListQuery,
      response: {
        200: {
          description:
            'A page of clusters, or an SSE stream of changes (`id:` + `data: {"type":"upsert","cluster":…}` or `{"type":"delete","name":…,"uid":…}`) after the version in Last-Event-ID',
          content: {
            'application/json': { schema: ClusterList },
            'text/event-stream': { schema: Type.String() },
          },
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const { project } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      if ((request.headers.accept ?? '').includes('text/event-stream')) {
        await watchClusters(request, reply, {
          store,
          project,
          after: watchStart(request.headers['last-event-id']),
          pollMs: context.deps.options?.ssePollMs ?? 250,
          heartbeatMs: context.deps.options?.sseHeartbeatMs ?? 15_000,
          streams: context.streams,
        });
        return reply;
      }
      const { limit, continue: cont } = request.query;
      const version = context.collectionVersions.versionOf(project);
      const key = `${project}\n${limit ?? ''}\n${cont ?? ''}\n${version}`;
      const body = await context.pageCache.getOrBuild(key, async () => {
        const page = await store.clusters.list(project, request.query);
        const list: ClusterList = {
          apiVersion: API_VERSION,
          kind: 'ClusterList',
          metadata: listMeta(page, version),
          items: page.items,
        };
        return Buffer.from(JSON.stringify(list));
      });
      // A pre-serialized page: the buffer bypasses the response serializer.
      return reply.type(JSON_TYPE).send(body as never);
    },
  });

  app.post('/v1/projects/:project/clusters', {
    schema: {
      tags: ['clusters'],
      summary: 'Create a cluster; returns the cluster and the operation to poll',
      operationId: 'createCluster',
      params: ProjectParams,
      body: ClusterCreateRequest,
      response: { 202: ClusterAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      await auth.authorize(principal, request.params.project, 'member');
      const result = await clusters.create(principal, request.params.project, request.body);
      return reply.code(202).send(result);
    },
  });

  app.get(CLUSTER_PATH, {
    schema: {
      tags: ['clusters'],
      summary: 'Read a cluster',
      operationId: 'getCluster',
      params: ClusterParams,
      response: ok(Cluster),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      return store.clusters.require({ project, name: cluster });
    },
  });

  app.patch(CLUSTER_PATH, {
    schema: {
      tags: ['clusters'],
      summary: 'Change spec and labels (JSON merge patch); 202 + operation when spec changed',
      operationId: 'patchCluster',
      params: ClusterParams,
      body: MergePatchBody,
      response: { 200: ClusterPatched, 202: ClusterAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      const result = await clusters.patch(principal, { project, name: cluster }, request.body);
      if (result.operation)
        return reply.code(202).send({ cluster: result.cluster, operation: result.operation });
      return reply.code(200).send({ cluster: result.cluster });
    },
  });

  app.delete(CLUSTER_PATH, {
    schema: {
      tags: ['clusters'],
      summary: 'Delete a cluster and everything it made',
      operationId: 'deleteCluster',
      params: ClusterParams,
      response: { 202: ClusterAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply.code(202).send(await clusters.delete(principal, { project, name: cluster }));
    },
  });
}
