/** `…/clusters/{c}/addons`: list installed addons, install one (POST), remove one (DELETE). */
import { Type } from '@sinclair/typebox';
import { AddonStatus, ClusterAddon, Operation } from '@berth/api-types';
import { addonViews, type AddonService } from '../addon-service.js';
import {
  errorResponses,
  ok,
  principalOf,
  ClusterParams,
  CLUSTER_PATH,
  type RouteContext,
  Name,
} from '../http.js';

const AddonView = Type.Object(
  { ...ClusterAddon.properties, status: Type.Optional(AddonStatus) },
  { additionalProperties: false, title: 'ClusterAddonView' },
);
const AddonAccepted = Type.Object(
  { addon: AddonView, operation: Operation },
  { additionalProperties: false },
);
const AddonParams = Type.Object({
  ...ClusterParams.properties,
  addon: Name,
});

export function addonRoutes({ app, auth, store }: RouteContext, addons: AddonService): void {
  app.get(`${CLUSTER_PATH}/addons`, {
    schema: {
      tags: ['addons'],
      summary: 'Addons installed in a cluster, with their status',
      operationId: 'listClusterAddons',
      params: ClusterParams,
      response: ok(Type.Object({ items: Type.Array(AddonView) }, { additionalProperties: false })),
    },
    handler: async (request) => {
      const { project, cluster } = request.params;
      await auth.authorize(principalOf(request), project, 'viewer');
      return { items: addonViews(await store.clusters.require({ project, name: cluster })) };
    },
  });

  app.post(`${CLUSTER_PATH}/addons`, {
    schema: {
      tags: ['addons'],
      summary:
        "Install an addon from /v1/addons, or change its version or settings (`config`, checked against the addon's settings); 501 for an addon this server does not install",
      operationId: 'installClusterAddon',
      params: ClusterParams,
      body: ClusterAddon,
      response: { 202: AddonAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(await addons.install(principal, { project, name: cluster }, request.body));
    },
  });

  app.delete(`${CLUSTER_PATH}/addons/:addon`, {
    schema: {
      tags: ['addons'],
      summary: 'Remove an installed addon',
      operationId: 'removeClusterAddon',
      params: AddonParams,
      response: { 202: AddonAccepted, ...errorResponses },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const { project, cluster, addon } = request.params;
      await auth.authorize(principal, project, 'member');
      return reply
        .code(202)
        .send(await addons.remove(principal, { project, name: cluster }, addon));
    },
  });
}
