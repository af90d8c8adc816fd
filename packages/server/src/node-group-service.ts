/**
 * Node group create, change (scale, flavor, labels, taints, autoscaling) and delete. Each spec
 * change records an operation and an event in the same transaction as the write.
 */
import {
  applyNodeGroupDefaults,
  INFRASTRUCTURE_FINALIZER,
  NodeGroupSpec,
  validateNodeGroupSpec,
  type NodeGroup,
  type NodeGroupCreateRequest,
  type NodeGroupSpec as NodeGroupSpecType,
  type Operation,
} from '@berth/api-types';
import { refuseUnavailableRuntime, type RuntimeSupport } from './node-runtimes.js';
import { BerthError } from '@berth/errors';
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
