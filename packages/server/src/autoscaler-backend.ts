/**
 * Berth's answers to the cluster autoscaler (the `CloudProviderBackend` of @berth/autoscaler):
 * node groups with `autoscaling.enabled` and their servers, read from the store and the
 * provider; scale decisions written to the store as `count` plus `status.autoscaler` in one
 * transaction, which the node group controller then carries out — new servers for a scale-up,
 * exactly the chosen servers for a scale-down. Every decision is an event with its numbers.
 */
import type {
  AutoscaledGroup,
  CloudProviderBackend,
  GroupOptions,
  InstanceView,
  NodeRef,
  TemplateNode,
} from '@berth/autoscaler';
import type { AutoscalerStatus, Cluster, NodeGroup, NodeGroupStatus } from '@berth/api-types';
import { nodeGroupTargetVersion } from '@berth/api-types';
import { nodeGroupTags } from '@berth/controllers';
import { BerthError, errors } from '@berth/errors';
import { nodeSpec } from '@berth/kube-bootstrap';
import type { InfraProvider, Server } from '@berth/provider-api';
import type { Store } from '@berth/store';
import type { Catalog } from './deps.js';

const PROVIDER_ID = /^berth:\/\/(.+)$/;
/** Placeholder instances for servers the group wants but could not create. */
const PENDING_PREFIX = 'berth://pending/';
/** Server lists are re-read at most this often per group (the autoscaler asks per node). */
const SERVERS_TTL_MS = 2_000;

export interface AutoscalerBackendDeps {
  store: Store;
  provider: InfraProvider;
  catalog: Catalog;
  /** The exact Kubernetes version of a cluster's minor (template nodes report it). */
  kubernetesVersion(minor: string): string;
  now?: () => Date;
}

export class AutoscalerBackend implements CloudProviderBackend {
  readonly #deps: AutoscalerBackendDeps;
  readonly #now: () => Date;
  readonly #servers = new Map<string, { at: number; servers: Promise<Server[]> }>();

  constructor(deps: AutoscalerBackendDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  async nodeGroups(clusterUid: string): Promise<AutoscaledGroup[]> {
    const { groups } = await this.#cluster(clusterUid);
    return groups.map(asGroup);
  }

  async nodeGroupForNode(clusterUid: string, node: NodeRef): Promise<AutoscaledGroup | undefined> {
    const serverId = PROVIDER_ID.exec(node.providerID)?.[1];
    if (serverId === undefined) return undefined;
    const { cluster, groups } = await this.#cluster(clusterUid);
    // A placeholder for a server not created yet names its group.
    if (node.providerID.startsWith(PENDING_PREFIX)) {
      const name = node.providerID.slice(PENDING_PREFIX.length).split('/')[0];
      const group = groups.find((g) => g.metadata.name === name);
      return group === undefined ? undefined : asGroup(group);
    }
    for (const group of groups) {
      const servers = await this.#serversOf(cluster, group);
      if (servers.some((s) => s.id === serverId)) return asGroup(group);
    }
    return undefined;
  }

  async targetSize(clusterUid: string, group: string): Promise<number> {
    return (await this.#group(clusterUid, group)).group.spec.count;
  }

  async increaseSize(clusterUid: string, name: string, delta: number): Promise<void> {
    if (!Number.isInteger(delta) || delta <= 0) {
      throw errors.invalid('delta', `delta must be a positive integer, got ${delta}`);
    }
    await this.#decide(clusterUid, name, (group) => {
      const to = group.spec.count + delta;
      if (to > group.spec.autoscaling.max) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${name}" would grow to ${to}, above its max ${group.spec.autoscaling.max}`,
        );
      }
      return {
        count: to,
        view: (v) => ({ ...v, lastScaleUp: this.#decision(group.spec.count, to) }),
        event: {
          reason: 'AutoscalerScaleUp',
          message: `cluster autoscaler grows node group ${name} from ${group.spec.count} to ${to} nodes for pods that fit nowhere else`,
        },
      };
    });
  }

  async deleteNodes(clusterUid: string, name: string, nodes: NodeRef[]): Promise<void> {
    const { cluster, group } = await this.#group(clusterUid, name);
    const servers = await this.#serversOf(cluster, group, true);
    const chosen: string[] = [];
    let placeholders = 0;
    for (const node of nodes) {
      if (node.providerID.startsWith(PENDING_PREFIX)) {
        placeholders++;
        continue;
      }
      const id = PROVIDER_ID.exec(node.providerID)?.[1];
      const server = servers.find((s) => s.id === id);
      if (server === undefined) {
        throw errors.invalid(
          'nodes',
          `node ${node.name || node.providerID} is not a server of node group "${name}"`,
        );
      }
      chosen.push(server.name);
    }
    await this.#decide(clusterUid, name, (current) => {
      const already = new Set(current.status.autoscaler?.removing ?? []);
      const fresh = chosen.filter((n) => !already.has(n));
      const to = current.spec.count - fresh.length - placeholders;
      if (to < current.spec.autoscaling.min) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${name}" would shrink to ${to}, below its min ${current.spec.autoscaling.min}`,
        );
      }
      const what =
        fresh.length > 0
          ? `removes ${fresh.join(', ')} (drained, unneeded)`
          : `gives up ${placeholders} node(s) that could not be created`;
      return {
        count: to,
        view: (v) => ({
          ...v,
          removing: [...v.removing, ...fresh.filter((n) => !v.removing.includes(n))],
          lastScaleDown: { ...this.#decision(current.spec.count, to), nodes: fresh },
        }),
        event: {
          reason: 'AutoscalerScaleDown',
          message: `cluster autoscaler ${what}: node group ${name} from ${current.spec.count} to ${to} nodes`,
        },
      };
    });
  }

  async decreaseTargetSize(clusterUid: string, name: string, delta: number): Promise<void> {
    if (!Number.isInteger(delta) || delta >= 0) {
      throw errors.invalid('delta', `delta must be a negative integer, got ${delta}`);
    }
    const { cluster, group } = await this.#group(clusterUid, name);
    const existing = (await this.#serversOf(cluster, group, true)).length;
    await this.#decide(clusterUid, name, (current) => {
      const to = current.spec.count + delta;
      const removing = current.status.autoscaler?.removing.length ?? 0;
      if (to < existing - removing) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${name}" has ${existing - removing} nodes; its target cannot drop to ${to} without deleting nodes`,
        );
      }
      return {
        count: to,
        view: (v) => v,
        event: {
          reason: 'AutoscalerTargetDecreased',
          message: `cluster autoscaler lowers node group ${name}'s target from ${current.spec.count} to ${to} (nodes not yet created)`,
        },
      };
    });
  }

  async nodes(clusterUid: string, name: string): Promise<InstanceView[]> {
    const { cluster, group } = await this.#group(clusterUid, name);
    const servers = await this.#serversOf(cluster, group);
    const removing = new Set(group.status.autoscaler?.removing ?? []);
    const instances = servers.map((s) => instanceOf(s, removing.has(s.name)));
    // Servers the group wants but does not have: if its last pass failed, say why, so the
    // autoscaler gives them up and backs the group off instead of waiting for them.
    const live = servers.filter((s) => !removing.has(s.name)).length;
    const failure = lastFailure(group.status);
    for (let i = 0; i < group.spec.count - live; i++) {
      instances.push({
        id: `${PENDING_PREFIX}${name}/${i}`,
        state: 'creating',
        ...(failure === undefined ? {} : { error: failure }),
      });
    }
    return instances;
  }

  async templateNode(clusterUid: string, name: string): Promise<TemplateNode> {
    const { cluster, group } = await this.#group(clusterUid, name);
    const flavor = (await this.#deps.catalog.snapshot()).flavors.find(
      (f) => f.name === group.spec.flavor,
    );
    if (flavor === undefined) {
      throw new BerthError('BERTH_ERR_NOT_FOUND', `flavor ${group.spec.flavor} is not offered`);
    }
    const nodeName = `template-${name}`;
    const spec = nodeSpec({
      nodeName,
      nodeGroup: name,
      zone: group.spec.zone,
      flavor: { name: flavor.name, vcpus: flavor.vcpus, ramMiB: flavor.ramMiB },
      diskGb: group.spec.volume.sizeGb,
      labels: group.spec.labels,
      taints: group.spec.taints,
    });
    return {
      name: nodeName,
      labels: spec.labels,
      providerID: `${PENDING_PREFIX}${name}/template`,
      taints: spec.taints,
      capacity: spec.capacity,
      allocatable: spec.capacity,
      // What a new node of this group runs: its own version, never past the masters'.
      kubeletVersion: this.#deps.kubernetesVersion(
        nodeGroupTargetVersion(
          group.spec.version,
          cluster.spec.version,
          cluster.status.controlPlaneVersion ?? cluster.status.version,
        ),
      ),
    };
  }

  async options(clusterUid: string, name: string, defaults: GroupOptions): Promise<GroupOptions> {
    const { cluster, group } = await this.#group(clusterUid, name);
    const settings = cluster.spec.autoscaler;
    const own = group.spec.autoscaling;
    return {
      ...defaults,
      scaleDownUnneededSeconds: own.scaleDownUnneededSeconds ?? settings.scaleDownUnneededSeconds,
      scaleDownUtilizationThreshold:
        own.scaleDownUtilizationThreshold ?? settings.scaleDownUtilizationThreshold,
    };
  }

  async refresh(clusterUid: string): Promise<void> {
    for (const key of this.#servers.keys()) {
      if (key.startsWith(`${clusterUid}/`)) this.#servers.delete(key);
    }
  }

  #decision(from: number, to: number) {
    return { time: this.#now().toISOString(), from, to };
  }

  async #cluster(clusterUid: string): Promise<{ cluster: Cluster; groups: NodeGroup[] }> {
    const cluster = await this.#deps.store.clusters.getByUid(clusterUid);
    if (cluster === undefined || cluster.metadata.deletionRequestedAt !== undefined) {
      throw new BerthError('BERTH_ERR_CLUSTER_NOT_FOUND', `cluster ${clusterUid} is gone`);
    }
    const groups = (await this.#deps.store.nodeGroups.listByClusterUid(clusterUid)).filter(
      (g) => g.spec.autoscaling.enabled && g.metadata.deletionRequestedAt === undefined,
    );
    return { cluster, groups };
  }

  async #group(clusterUid: string, name: string): Promise<{ cluster: Cluster; group: NodeGroup }> {
    const { cluster, groups } = await this.#cluster(clusterUid);
    const group = groups.find((g) => g.metadata.name === name);
    if (group === undefined) {
      throw new BerthError(
        'BERTH_ERR_NODE_GROUP_NOT_FOUND',
        `node group "${name}" of cluster ${cluster.metadata.name} is not autoscaled`,
      );
    }
    return { cluster, group };
  }

  async #serversOf(cluster: Cluster, group: NodeGroup, fresh = false): Promise<Server[]> {
    const key = `${cluster.metadata.uid}/${group.metadata.uid}`;
    const cached = this.#servers.get(key);
    if (!fresh && cached !== undefined && Date.now() - cached.at < SERVERS_TTL_MS) {
      return cached.servers;
    }
    const servers = this.#deps.provider.servers.list(
      { tags: nodeGroupTags(cluster, group) },
      AbortSignal.timeout(30_000),
    );
    this.#servers.set(key, { at: Date.now(), servers });
    servers.catch(() => this.#servers.delete(key));
    return servers;
  }

  /**
   * One scale decision: re-reads the group in a transaction, lets `decide` check it and name the
   * new count, and writes count, the autoscaler view and the event together.
   */
  async #decide(
    clusterUid: string,
    name: string,
    decide: (group: NodeGroup) => {
      count: number;
      view: (view: AutoscalerStatus) => AutoscalerStatus;
      event: { reason: string; message: string };
    },
  ): Promise<void> {
    const { cluster } = await this.#group(clusterUid, name);
    const key = { project: cluster.metadata.project, cluster: cluster.metadata.name, name };
    await this.#deps.store.transaction(async (tx) => {
      const group = await tx.nodeGroups.require(key);
      if (!group.spec.autoscaling.enabled || group.metadata.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_NODE_GROUP_NOT_FOUND',
          `node group "${name}" is not autoscaled`,
        );
      }
      const decision = decide(group);
      await tx.nodeGroups.update(key, {
        spec: { ...group.spec, count: decision.count },
        status: (s: NodeGroupStatus) => ({
          ...s,
          autoscaler: {
            ...decision.view(s.autoscaler ?? { targetSize: group.spec.count, removing: [] }),
            targetSize: decision.count,
          },
        }),
      });
      await tx.events.append({
        type: 'Normal',
        ...decision.event,
        object: { kind: 'NodeGroup', name },
        project: cluster.metadata.project,
        cluster: cluster.metadata.name,
        clusterUid,
      });
    });
    await this.refresh(clusterUid);
  }
}

function asGroup(group: NodeGroup): AutoscaledGroup {
  const { count, flavor, zone, autoscaling } = group.spec;
  return {
    id: group.metadata.name,
    min: autoscaling.min,
    max: autoscaling.max,
    debug: `${group.metadata.name}: ${count} × ${flavor} in ${zone} [${autoscaling.min}, ${autoscaling.max}]`,
  };
}

function instanceOf(server: Server, removing: boolean): InstanceView {
  const id = `berth://${server.id}`;
  if (removing) return { id, state: 'deleting' };
  if (server.status === 'ERROR') {
    return {
      id,
      state: 'creating',
      error: {
        code: 'ServerError',
        message: server.fault?.message ?? 'the server is in ERROR',
        errorClass: 'Other',
      },
    };
  }
  return { id, state: server.status === 'ACTIVE' ? 'running' : 'creating' };
}

/** Reasons a failed node group pass reports (failures.ts: the error code in CamelCase). */
const CREATE_FAILURES = new Set([
  'ProviderQuota',
  'QuotaExceeded',
  'Provider',
  'ComponentMissing',
  'ComponentCorrupt',
  'Internal',
  'Failed',
]);

/** Why the group's last pass could not create its servers, from its NodesReady condition. */
function lastFailure(status: NodeGroupStatus): InstanceView['error'] {
  const ready = status.conditions.find((c) => c.type === 'NodesReady');
  if (ready?.status !== 'False' || !CREATE_FAILURES.has(ready.reason)) return undefined;
  const quota = ready.reason === 'ProviderQuota' || ready.reason === 'QuotaExceeded';
  return {
    code: ready.reason,
    message: ready.message,
    errorClass: quota ? 'OutOfResources' : 'Other',
  };
}
