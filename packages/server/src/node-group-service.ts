/**
 * Node group create, change (scale, flavor, labels, taints, autoscaling) and delete. Each spec
 * change records an operation and an event in the same transaction as the write.
 */
import {
  applyNodeGroupDefaults,
  compareVersions,
  INFRASTRUCTURE_FINALIZER,
  skewRefusal,
  validateNodeGroupVersion,
  type Cluster,
  NodeGroupSpec,
  validateNodeGroupSpec,
  type NodeGroup,
  type NodeGroupCreateRequest,
  type NodeGroupSpec as NodeGroupSpecType,
  type Operation,
} from '@berth/api-types';
import { refuseUnavailableRuntime, type RuntimeSupport } from './node-runtimes.js';
import { BerthError } from '@berth/errors';
import { requireOfferedVersion } from './validation.js';
import type { ClusterKey, NodeGroupKey, Store } from '@berth/store';
import { finishImmediately, recordAction } from './actions.js';
import type { Principal } from './auth.js';
import {
  patchCheckers,
  patchedSpecAndLabels,
  staleIfChanged,
  type PatchCheckers,
  type SpecPatch,
} from './patch-rules.js';
import type { Catalog } from './deps.js';
import { checkAction } from './lifecycle.js';
import { autoscaledSpec } from './autoscaling-rules.js';
import { sameJson } from './stable-json.js';
import type { Validators } from './validation.js';

export interface NodeGroupResult {
  nodeGroup: NodeGroup;
  operation?: Operation;
}

export type NodeGroupPatch = SpecPatch;

export class NodeGroupService {
  readonly #store: Store;
  readonly #catalog: Catalog;
  readonly #check: PatchCheckers<NodeGroupSpecType>;

  readonly #runtimes: RuntimeSupport | undefined;

  constructor(store: Store, catalog: Catalog, validators: Validators, runtimes?: RuntimeSupport) {
    this.#runtimes = runtimes;
    this.#store = store;
    this.#catalog = catalog;
    this.#check = patchCheckers(validators, NodeGroupSpec);
  }

  async create(
    actor: Principal,
    cluster: ClusterKey,
    body: NodeGroupCreateRequest,
  ): Promise<Required<NodeGroupResult>> {
    const catalog = await this.#catalog.snapshot();
    return this.#store.transaction(async (tx) => {
      const owner = await tx.clusters.require(cluster);
      checkAction(
        cluster.name,
        owner.status.phase,
        owner.metadata.deletionRequestedAt !== undefined,
        'update',
      );
      const spec = applyNodeGroupDefaults(body.spec ?? {}, owner.spec.zones[0] ?? 'az1');
      validateNodeGroupSpec(spec, 'spec', catalog);
      validateNodeGroupVersion(spec.version, owner.spec.version);
      refuseUnavailableRuntime(spec, 'spec', this.#runtimes);
      const name = body.metadata.name;
      const nodeGroup = await tx.nodeGroups.create(cluster, {
        name,
        labels: body.metadata.labels,
        spec,
        finalizers: [INFRASTRUCTURE_FINALIZER],
      });
      const operation = await recordAction(tx, {
        cluster: await tx.clusters.require(cluster),
        kind: 'NodeGroupCreate',
        reason: 'NodeGroupCreateRequested',
        message: `Node group ${name} (${spec.count} × ${spec.flavor} in ${spec.zone}) requested`,
        actor,
        nodeGroup: { name, generation: nodeGroup.metadata.generation },
      });
      return { nodeGroup, operation };
    });
  }

  async patch(
    actor: Principal,
    key: NodeGroupKey,
    patch: NodeGroupPatch,
  ): Promise<NodeGroupResult> {
    const catalog = await this.#catalog.snapshot();
    return this.#store.transaction(async (tx) => {
      const owner = await tx.clusters.require({ project: key.project, name: key.cluster });
      const current = await tx.nodeGroups.require(key);
      staleIfChanged(
        'NodeGroup',
        key.name,
        current.metadata.resourceVersion,
        patch.metadata?.resourceVersion,
      );
      if (current.metadata.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${key.name}" is Deleting; it cannot change`,
        );
      }
      checkAction(
        key.cluster,
        owner.status.phase,
        owner.metadata.deletionRequestedAt !== undefined,
        'update',
      );
      const patched = patchedSpecAndLabels(current, patch, this.#check);
      const spec = autoscaledSpec(current.spec, patched.spec, 'spec');
      const labels = patched.labels;
      if (spec.zone !== current.spec.zone) {
        throw new BerthError(
          'BERTH_ERR_VALIDATION',
          'spec.zone cannot change; create a node group in the other zone',
          {
            field: 'spec.zone',
          },
        );
      }
      if (spec.runtime !== current.spec.runtime) {
        throw new BerthError(
          'BERTH_ERR_VALIDATION',
          'spec.runtime cannot change; create a node group with the other runtime',
          { field: 'spec.runtime' },
        );
      }
      validateNodeGroupSpec(spec, 'spec', catalog);
      refuseVersionChange(owner, current, spec.version);
      const specChanged = !sameJson(spec, current.spec);
      const nodeGroup = await tx.nodeGroups.update(key, { spec, labels });
      if (!specChanged) return { nodeGroup };
      const onlyCount = sameJson({ ...spec, count: current.spec.count }, current.spec);
      const operation = await recordAction(tx, {
        cluster: owner,
        kind: 'NodeGroupUpdate',
        reason: onlyCount ? 'NodeGroupScaled' : 'NodeGroupUpdateRequested',
        message: onlyCount
          ? `Node group ${key.name} scaled from ${current.spec.count} to ${spec.count}`
          : `Node group ${key.name} change requested (generation ${nodeGroup.metadata.generation})`,
        actor,
        nodeGroup: { name: key.name, generation: nodeGroup.metadata.generation },
      });
      return { nodeGroup, operation };
    });
  }

  /**
   * Moves a node group to `version` (`:upgrade`): known, not older than what the group runs, not
   * newer than its cluster's version, at most three minors behind it (else 400 on `version`).
   * The cluster's own version clears `spec.version`: the group follows the cluster again.
   * Its nodes are replaced once every master runs at least that version.
   */
  async upgrade(
    actor: Principal,
    key: NodeGroupKey,
    version: string,
  ): Promise<Required<NodeGroupResult>> {
    const catalog = await this.#catalog.snapshot();
    requireOfferedVersion(version, catalog.versions);
    return this.#store.transaction(async (tx) => {
      const owner = await tx.clusters.require({ project: key.project, name: key.cluster });
      const current = await tx.nodeGroups.require(key);
      if (current.metadata.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${key.name}" is Deleting; it cannot upgrade`,
        );
      }
      checkAction(
        key.cluster,
        owner.status.phase,
        owner.metadata.deletionRequestedAt !== undefined,
        'upgrade-node-group',
      );
      const follows = version === owner.spec.version;
      const { version: _old, ...rest } = current.spec;
      const spec: NodeGroupSpecType = follows ? rest : { ...rest, version };
      refuseVersionChange(owner, current, version, 'version');
      if (sameJson(spec, current.spec)) {
        throw new BerthError(
          'BERTH_ERR_VALIDATION',
          `node group "${key.name}" already ${follows ? `follows the cluster (${version})` : `is at ${version}`}`,
          { field: 'version' },
        );
      }
      const nodeGroup = await tx.nodeGroups.update(key, { spec });
      const operation = await recordAction(tx, {
        cluster: owner,
        kind: 'NodeGroupUpdate',
        reason: 'NodeGroupUpgradeRequested',
        message: `Upgrade of node group ${key.name} to ${version} requested${follows ? ' (it follows the cluster again)' : ''}`,
        actor,
        nodeGroup: { name: key.name, generation: nodeGroup.metadata.generation },
      });
      return { nodeGroup, operation };
    });
  }

  async delete(actor: Principal, key: NodeGroupKey): Promise<Required<NodeGroupResult>> {
    return this.#store.transaction(async (tx) => {
      const current = await tx.nodeGroups.require(key);
      if (current.metadata.deletionRequestedAt !== undefined) {
        throw new BerthError(
          'BERTH_ERR_INVALID_STATE',
          `node group "${key.name}" is already Deleting`,
        );
      }
      const { object, removed } = await tx.nodeGroups.requestDeletion(key, {
        status: (s) => ({ ...s, phase: 'Deleting' }),
      });
      const operation = await recordAction(tx, {
        cluster: await tx.clusters.require({ project: key.project, name: key.cluster }),
        kind: 'NodeGroupDelete',
        reason: 'NodeGroupDeleteRequested',
        message: `Deletion of node group ${key.name} requested`,
        actor,
        nodeGroup: { name: key.name, generation: object.metadata.generation },
      });
      if (!removed) return { nodeGroup: object, operation };
      return {
        nodeGroup: object,
        operation: await finishImmediately(tx, operation, 'Deleted (nothing to clean up)'),
      };
    });
  }
}

/**
 * A node group's version may only move forward from what its nodes run, and stay within
 * upstream's kubelet skew of its cluster's version (400 on `field`).
 */
function refuseVersionChange(
  owner: Cluster,
  current: NodeGroup,
  next: string | undefined,
  field = 'spec.version',
): void {
  const before = current.spec.version ?? owner.spec.version;
  const after = next ?? owner.spec.version;
  if (after === before && next === current.spec.version) return;
  const runs = current.status.version ?? before;
  if (compareVersions(after, runs) < 0) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `node group "${current.metadata.name}" runs ${runs}; ${after} would be a downgrade, which is not supported`,
      { field },
    );
  }
  const refusal = skewRefusal(after, owner.spec.version);
  if (refusal) throw new BerthError('BERTH_ERR_VALIDATION', refusal, { field });
}
