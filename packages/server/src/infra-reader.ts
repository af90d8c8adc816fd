/**
 * The read-only infrastructure views over an InfraProvider: objects are found by the tags the
 * controllers put on everything (`berth.dev/project`, `berth.dev/cluster` = cluster uid).
 */
import type { InfraKind, InfraObject } from '@berth/api-types';
import { TagKeys, type InfraProvider, type ProviderObject, type Tags } from '@berth/provider-api';
import type { Store } from '@berth/store';
import type { InfraReader, InfraScope } from './deps.js';
import { volumeView } from './infra-volumes.js';

/** Maps a project's cluster names to uids and back. */
export interface ClusterDirectory {
  clusterUids(project: string): Promise<Map<string, string>>;
}

/** The directory of the clusters in the store (deleted ones are gone from it). */
export function storeClusterDirectory(store: Store): ClusterDirectory {
  return {
    clusterUids: async (project) => {
      const keys = await store.clusters.listKeys();
      return new Map(keys.filter((k) => k.project === project).map((k) => [k.name, k.uid]));
    },
  };
}

type Lister = (
  provider: InfraProvider,
  tags: Tags,
  signal: AbortSignal,
) => Promise<ProviderObject[]>;

const listers: Record<InfraKind, Lister> = {
  networks: (p, tags, s) => p.networks.list({ tags }, s),
  routers: (p, tags, s) => p.routers.list({ tags }, s),
  servers: (p, tags, s) => p.servers.list({ tags }, s),
  securitygroups: (p, tags, s) => p.securityGroups.list({ tags }, s),
  loadbalancers: (p, tags, s) => p.loadBalancers.list({ tags }, s),
  volumes: (p, tags, s) => p.volumes.list({ tags }, s),
  floatingips: (p, tags, s) => p.floatingIps.list({ tags }, s),
};

function statusOf(object: Record<string, unknown>): string {
  for (const key of ['status', 'operatingStatus', 'provisioningStatus']) {
    if (typeof object[key] === 'string') return object[key] as string;
  }
  return 'UNKNOWN';
}

function view(
  kind: InfraKind,
  project: string,
  object: ProviderObject,
  names: Map<string, string>,
): InfraObject {
  const { id, name, tags, ...attributes } = object as ProviderObject & Record<string, unknown>;
  const clusterUid = tags[TagKeys.cluster];
  const cluster = clusterUid === undefined ? undefined : (names.get(clusterUid) ?? clusterUid);
  const result: InfraObject = {
    id,
    kind,
    name,
    project,
    status: statusOf(attributes),
    attributes: { ...attributes, tags },
  };
  if (cluster !== undefined) result.cluster = cluster;
  return result;
}

/**
 * The tags that select a scope's objects, and the project's cluster names by uid; undefined
 * when the scope names a cluster the project does not have.
 */
async function resolve(
  directory: ClusterDirectory,
  scope: InfraScope,
): Promise<{ tags: Tags; names: Map<string, string> } | undefined> {
  const uidsByName = await directory.clusterUids(scope.project);
  const names = new Map([...uidsByName].map(([name, uid]) => [uid, name]));
  const tags: Record<string, string> = { [TagKeys.project]: scope.project };
  if (scope.cluster !== undefined) {
    const uid = uidsByName.get(scope.cluster);
    if (uid === undefined) return undefined;
    tags[TagKeys.cluster] = uid;
  }
  return { tags, names };
}

export function providerInfraReader(
  provider: InfraProvider,
  directory: ClusterDirectory,
): InfraReader {
  return {
    list: async (kind, scope, signal) => {
      const found = await resolve(directory, scope);
      if (found === undefined) return [];
      const objects = await listers[kind](provider, found.tags, signal);
      return objects.map((o) => view(kind, scope.project, o, found.names));
    },
    volumes: async (scope, signal) => {
      const found = await resolve(directory, scope);
      if (found === undefined) return [];
      const volumes = await provider.volumes.list({ tags: found.tags }, signal);
      // A node of the cluster is a server of the project; one server list names them all.
      const servers = volumes.some((v) => v.attachment !== null)
        ? await provider.servers.list({ tags: { [TagKeys.project]: scope.project } }, signal)
        : [];
      const serverNames = new Map(servers.map((s) => [s.id, s.name]));
      return volumes.map((v) =>
        volumeView(view('volumes', scope.project, v, found.names), v, serverNames),
      );
    },
  };
}
