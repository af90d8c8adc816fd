/** Node groups of a cluster: list, create, read, merge-patch (scale etc.), delete. */
import { Type } from '@sinclair/typebox';
import {
  API_VERSION,
  ListQuery,
  NodeGroup,
  NodeGroupCreateRequest,
  NodeGroupList,
  Operation,
  NodeGroupUpgradeRequest,
} from '@berth/api-types';
import {
  errorResponses,
  listMeta,
  MergePatchBody,
  ok,
  principalOf,
  ClusterParams,
  NodeGroupParams,
  CLUSTER_PATH,
  type RouteContext,
} from '../http.js';

const NodeGroupAccepted = Type.Object(
  { nodeGroup: NodeGroup, operation: Operation },
  { additionalProperties: false, title: 'NodeGroupAccepted' },
);
const NodeGroupPatched = Type.Object(
  { nodeGroup: NodeGroup },
  { additionalProperties: false, title: 'NodeGroupPatched' },
);
const COLLECTION = `${CLUSTER_PATH}/nodegroups`;
const ITEM = `${COLLECTION}/:nodeGroup`;

export function nodeGroupRoutes({ app, auth, nodeGroups, store }: RouteContext): void {
  app.get(COLLECTION, {
    schema: {
      tags: ['node groups'],
      summary: "List a cluster's node groups",
      operationId: 'listNodeGroups',
      params: ClusterParams,
      querystring: ListQuery,
      response: ok(NodeGroupList),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      const page = await store.nodeGroups.list({ project, name: cluster }, request.query);
      return {
        apiVersion: API_VERSION,
        kind: 'NodeGroupList',
        metadata: listMeta(page),
        items: page.items,
      } satisfies NodeGroupList;
    },
  });

  app.post(COLLECTION, {
    schema: {
      tags: ['node groups'],
      summary: 'Add a node group',
      operationId: 'createNodeGroup',
      params: ClusterParams,
      body: NodeGroupCreateRequest,
      response: { 202: NodeGroupAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(await nodeGroups.create(principal, { project, name: cluster }, request.body));
    },
  });

  app.get(ITEM, {
    schema: {
      tags: ['node groups'],
      summary: 'Read a node group',
      operationId: 'getNodeGroup',
      params: NodeGroupParams,
      response: ok(NodeGroup),
    },
    handler: async (request) => {
      const { project, cluster, nodeGroup } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      return store.nodeGroups.require({ project, cluster, name: nodeGroup });
    },
  });

  app.patch(ITEM, {
    schema: {
      tags: ['node groups'],
      summary: 'Change a node group (JSON merge patch): scale, flavor, labels, taints, autoscaling',
      operationId: 'patchNodeGroup',
      params: NodeGroupParams,
      body: MergePatchBody,
      response: { 200: NodeGroupPatched, 202: NodeGroupAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster, nodeGroup } = request.params;
      await auth.authorize(principal, project, 'member');
      const result = await nodeGroups.patch(
        principal,
        { project, cluster, name: nodeGroup },
        request.body,
      );
      if (result.operation)
        return reply.code(202).send({ nodeGroup: result.nodeGroup, operation: result.operation });
      return reply.code(200).send({ nodeGroup: result.nodeGroup });
    },
  });

  app.post(`${COLLECTION}/:nodeGroup(^[^:/]+)::upgrade`, {
    schema: {
      tags: ['node groups'],
      summary:
        "Move a node group to another Kubernetes version (at most 3 minors behind the cluster's, never newer); the cluster's own version makes it follow the cluster again",
      operationId: 'upgradeNodeGroup',
      params: NodeGroupParams,
      body: NodeGroupUpgradeRequest,
      response: { 202: NodeGroupAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster, nodeGroup } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(
          await nodeGroups.upgrade(
            principal,
            { project, cluster, name: nodeGroup },
            request.body.version,
          ),
        );
    },
  });

  app.delete(ITEM, {
    schema: {
      tags: ['node groups'],
      summary: 'Delete a node group (its nodes are drained first)',
      operationId: 'deleteNodeGroup',
      params: NodeGroupParams,
      response: { 202: NodeGroupAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster, nodeGroup } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(await nodeGroups.delete(principal, { project, cluster, name: nodeGroup }));
    },
  });
}
