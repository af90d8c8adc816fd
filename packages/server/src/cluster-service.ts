/**
 * Cluster create, change and lifecycle actions: defaults, validation, state rules, and the write
 * plus its operation and event in one transaction. Routes stay thin; this is the API's logic.
 */
import {
  applyClusterDefaults,
  INFRASTRUCTURE_FINALIZER,
  ClusterSpec,
  resolveVersion,
  upgradeRefusal,
  validateClusterSpec,
  type Cluster,
  type ClusterCreateRequest,
  type ClusterSpec as ClusterSpecType,
  type Operation,
} from '@berth/api-types';
import { refuseUnavailableRuntime, type RuntimeSupport } from './node-runtimes.js';
import { BerthError } from '@berth/errors';
import type { ClusterKey, Repositories, Store } from '@berth/store';
import { finishImmediately, recordAction } from './actions.js';
import type { Principal } from './auth.js';
import type { Catalog } from './deps.js';
import { checkAction, phaseAfter } from './lifecycle.js';
import {
  checkFixedFields,
  patchCheckers,
  patchedSpecAndLabels,
  staleIfChanged,
  type PatchCheckers,
  type SpecPatch,
} from './patch-rules.js';
import { refuseAddonChange, refuseUnimplementedCluster } from './not-implemented.js';
import { sameJson } from './stable-json.js';
import type { Validators } from './validation.js';

export type ClusterPatch = SpecPatch;

export { staleIfChanged } from './patch-rules.js';

export interface ClusterResult {
  cluster: Cluster;
  operation?: Operation;
}

export class ClusterService {
  readonly #store: Store;
  readonly #catalog: Catalog;
  readonly #check: PatchCheckers<ClusterSpecType>;

  readonly #runtimes: RuntimeSupport | undefined;

  constructor(store: Store, catalog: Catalog, validators: Validators, runtimes?: RuntimeSupport) {
    this.#runtimes = runtimes;
    this.#store = store;
    this.#catalog = catalog;
    this.#check = patchCheckers(validators, ClusterSpec);
  }

  async create(
    actor: Principal,
    project: string,
    body: ClusterCreateRequest,
  ): Promise<Required<ClusterResult>> {
    const catalog = await this.#catalog.snapshot();
    const defaultVersion =
      catalog.versions.find((v) => v.default)?.version ?? catalog.versions[0]?.version ?? '';
    const spec = applyClusterDefaults(body.spec, { defaultVersion });
    validateClusterSpec(spec, catalog);
    refuseUnimplementedCluster(spec);
    spec.nodeGroups.forEach((group, i) =>
      refuseUnavailableRuntime(group, `spec.nodeGroups[${i}]`, this.#runtimes),
    );
    return this.#store.transaction(async (tx) => {
      const cluster = await tx.clusters.create({
        project,
        name: body.metadata.name,
        labels: body.metadata.labels,
        spec,
        finalizers: [INFRASTRUCTURE_FINALIZER],
        nodeGroupFinalizers: [INFRASTRUCTURE_FINALIZER],
      });
      const operation = await recordAction(tx, {
        cluster,
        kind: 'ClusterCreate',
        reason: 'CreateRequested',
        message: `Cluster ${cluster.metadata.name} (Kubernetes ${spec.version}, ${spec.controlPlane.count} master(s), ${spec.nodeGroups.length} node group(s)) requested`,
        actor,
      });
      return { cluster, operation };
    });
  }

  /** JSON merge patch of spec and labels; 202 + operation when spec changed. */
  async patch(actor: Principal, key: ClusterKey, patch: ClusterPatch): Promise<ClusterResult> {
    const catalog = await this.#catalog.snapshot();
    return this.#store.transaction(async (tx) => {
      const current = await tx.clusters.require(key);
      staleIfChanged(
        'Cluster',
        key.name,
        current.metadata.resourceVersion,
        patch.metadata?.resourceVersion,
      );
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        'update',
      );
      const { spec, labels } = patchedSpecAndLabels(current, patch, this.#check);
      checkFixedFields(current.spec, spec);
      validateClusterSpec(spec, catalog);
      refuseAddonChange(current.spec, spec);
      const specChanged = !sameJson(spec, current.spec);
      const cluster = await tx.clusters.update(key, {
        spec,
        labels,
        status: specChanged
          ? (s) => (s.phase === 'Running' ? { ...s, phase: 'Reconciling' } : s)
          : undefined,
      });
      if (!specChanged) return { cluster };
      const operation = await recordAction(tx, {
        cluster,
        kind: 'ClusterUpdate',
        reason: 'UpdateRequested',
        message: `Spec change requested (generation ${cluster.metadata.generation})`,
        actor,
      });
      return { cluster, operation };
    });
  }

  async stop(actor: Principal, key: ClusterKey): Promise<Required<ClusterResult>> {
    return this.#lifecycle(
      actor,
      key,
      'stop',
      (spec) => ({ ...spec, stopped: true }),
      'ClusterStop',
      'StopRequested',
      'Stop requested',
    );
  }

  async start(actor: Principal, key: ClusterKey): Promise<Required<ClusterResult>> {
    return this.#lifecycle(
      actor,
      key,
      'start',
      (spec) => ({ ...spec, stopped: false }),
      'ClusterStart',
      'StartRequested',
      'Start requested',
    );
  }

  /** Validated against the catalog: a known version, no downgrade, at most one minor up. */
  async upgrade(
    actor: Principal,
    key: ClusterKey,
    version: string,
  ): Promise<Required<ClusterResult>> {
    const catalog = await this.#catalog.snapshot();
    if (!resolveVersion(version, catalog.versions)) {
      const known = catalog.versions.map((v) => v.version).join(', ');
      throw new BerthError(
        'BERTH_ERR_VALIDATION',
        `unsupported version "${version}"; supported: ${known}`,
        { field: 'version' },
      );
    }
    return this.#lifecycle(
      actor,
      key,
      'upgrade',
      (spec, cluster) => {
        const refusal = upgradeRefusal(cluster.status.version ?? spec.version, version);
        if (refusal) throw new BerthError('BERTH_ERR_VALIDATION', refusal, { field: 'version' });
        return { ...spec, version };
      },
      'ClusterUpgrade',
      'UpgradeRequested',
      `Upgrade to ${version} requested`,
    );
  }

  /**
   * Asks for new control-plane leaf certificates (`spec.certificateRenewal`, its serial raised):
   * the controllers re-issue them from the existing CAs and roll the masters one at a time.
   * Only from Running (else 409).
   */
  async renewCertificates(
    actor: Principal,
    key: ClusterKey,
    request: { onlyExpiringWithinDays?: number | undefined },
  ): Promise<Required<ClusterResult>> {
    const within = request.onlyExpiringWithinDays;
    return this.#lifecycle(
      actor,
      key,
      'renew-certificates',
      (spec) => ({
        ...spec,
        certificateRenewal: {
          serial: (spec.certificateRenewal?.serial ?? 0) + 1,
          requestedAt: new Date().toISOString(),
          ...(within === undefined ? {} : { onlyExpiringWithinDays: within }),
        },
      }),
      'ClusterRenewCertificates',
      'CertificateRenewalRequested',
      within === undefined
        ? 'Renewal of the control-plane certificates requested'
        : `Renewal of the control-plane certificates expiring within ${within} days requested`,
    );
  }

  /** Requests deletion; the controllers remove the cluster once their finalizers are done. */
  async delete(actor: Principal, key: ClusterKey): Promise<Required<ClusterResult>> {
    return this.#store.transaction(async (tx) => {
      const current = await tx.clusters.require(key);
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        'delete',
      );
      const operation = await recordAction(tx, {
        cluster: current,
        kind: 'ClusterDelete',
        reason: 'DeleteRequested',
        message: 'Deletion requested',
        actor,
      });
      const { object, removed } = await tx.clusters.requestDeletion(key, {
        status: (s) => ({ ...s, phase: 'Deleting' }),
      });
      if (!removed) return { cluster: object, operation };
      return {
        cluster: object,
        operation: await finishImmediately(tx, operation, 'Deleted (nothing to clean up)'),
      };
    });
  }

  async #lifecycle(
    actor: Principal,
    key: ClusterKey,
    action: 'stop' | 'start' | 'upgrade' | 'renew-certificates',
    change: (spec: ClusterSpecType, cluster: Cluster) => ClusterSpecType,
    kind: Operation['kind'],
    reason: string,
    message: string,
  ): Promise<Required<ClusterResult>> {
    return this.#store.transaction(async (tx: Repositories) => {
      const current = await tx.clusters.require(key);
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        action,
      );
      const spec = change(current.spec, current);
      const phase = phaseAfter[action]!;
      const cluster = await tx.clusters.update(key, { spec, status: (s) => ({ ...s, phase }) });
      const operation = await recordAction(tx, { cluster, kind, reason, message, actor });
      return { cluster, operation };
    });
  }
}
