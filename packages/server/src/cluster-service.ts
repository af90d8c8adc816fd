/**
 * Cluster create, change and lifecycle actions: defaults, validation, state rules, and the write
 * plus its operation and event in one transaction. Routes stay thin; this is the API's logic.
 */
import {
  applyClusterDefaults,
  INFRASTRUCTURE_FINALIZER,
  ClusterSpec,
  skewRefusal,
  upgradeRefusal,
  validateClusterSpec,
  type Cluster,
  type ClusterCreateRequest,
  type NodeGroup,
  type ClusterSpec as ClusterSpecType,
  type Operation,
} from '@berth/api-types';
import { refuseUnavailableRuntime, type RuntimeSupport } from './node-runtimes.js';
import { BerthError } from '@berth/errors';
import { requireOfferedVersion } from './validation.js';
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
import {
  refuseAddonChange,
  refuseUnimplementedCluster,
  type AddonSupport,
} from './not-implemented.js';
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
  readonly #addons: AddonSupport;
  readonly #check: PatchCheckers<ClusterSpecType>;

  readonly #runtimes: RuntimeSupport | undefined;

  constructor(
    store: Store,
    catalog: Catalog,
    validators: Validators,
    runtimes?: RuntimeSupport,
    addons: AddonSupport = new Set(),
  ) {
    this.#addons = addons;
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
    refuseUnimplementedCluster(spec, this.#addons);
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
      refuseAddonChange(current.spec, spec, this.#addons);
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

  /**
   * Validated against the catalog: a known version, no downgrade, at most one minor up, no node
   * group left more than three minors behind (400 on `version`); only from Running (409). The
   * same version again while that upgrade has not finished (Upgrading or Error) is a retry: a new
   * operation, and the controllers take up the failed step at once. `controlPlaneOnly` pins every
   * group that follows the cluster to the version it runs now.
   */
  async upgrade(
    actor: Principal,
    key: ClusterKey,
    request: { version: string; controlPlaneOnly?: boolean | undefined },
  ): Promise<Required<ClusterResult>> {
    const { version } = request;
    const catalog = await this.#catalog.snapshot();
    requireOfferedVersion(version, catalog.versions);
    return this.#store.transaction(async (tx) => {
      const current = await tx.clusters.require(key);
      if (isRetry(current, version)) return this.#retryUpgrade(tx, actor, key, current);
      checkAction(
        key.name,
        current.status.phase,
        current.metadata.deletionRequestedAt !== undefined,
        'upgrade',
      );
      const from = current.status.version ?? current.spec.version;
      const refusal = upgradeRefusal(from, version);
      if (refusal) throw new BerthError('BERTH_ERR_VALIDATION', refusal, { field: 'version' });
      const groups = await tx.nodeGroups.listByClusterUid(current.metadata.uid);
      const pinned = request.controlPlaneOnly ? await pinFollowers(tx, key, groups, current) : [];
      refuseSkew(groups, version);
      const cluster = await tx.clusters.update(key, {
        spec: { ...current.spec, version },
        status: (s) => ({ ...s, phase: 'Upgrading' }),
      });
      const operation = await recordAction(tx, {
        cluster,
        kind: 'ClusterUpgrade',
        reason: 'UpgradeRequested',
        message: pinned.length
          ? `Upgrade of the control plane to ${version} requested; node groups ${pinned.join(', ')} stay at ${from}`
          : `Upgrade to ${version} requested`,
        actor,
      });
      return { cluster, operation };
    });
  }

  async #retryUpgrade(
    tx: Repositories,
    actor: Principal,
    key: ClusterKey,
    current: Cluster,
  ): Promise<Required<ClusterResult>> {
    checkAction(
      key.name,
      current.status.phase,
      current.metadata.deletionRequestedAt !== undefined,
      'retry-upgrade',
    );
    // A spec change wakes the cluster's and its groups' controllers now, instead of after the
    // backoff of the step that failed; nothing a server runs depends on the serial.
    const cluster = await tx.clusters.update(key, {
      spec: { ...current.spec, upgradeRetry: (current.spec.upgradeRetry ?? 0) + 1 },
      status: (s) => ({ ...s, phase: 'Upgrading' }),
    });
    const operation = await recordAction(tx, {
      cluster,
      kind: 'ClusterUpgrade',
      reason: 'UpgradeRetried',
      message: `Upgrade to ${current.spec.version} retried`,
      actor,
    });
    return { cluster, operation };
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
    action: 'stop' | 'start' | 'renew-certificates',
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

/** The same version again while the upgrade to it has not finished. */
function isRetry(cluster: Cluster, version: string): boolean {
  return (
    version === cluster.spec.version &&
    cluster.status.version !== undefined &&
    !cluster.status.version.startsWith(cluster.spec.version)
  );
}

/** 400 on `version` when a pinned node group would fall more than three minors behind. */
function refuseSkew(groups: NodeGroup[], version: string): void {
  for (const group of groups) {
    if (group.spec.version === undefined || group.metadata.deletionRequestedAt) continue;
    const refusal = skewRefusal(group.spec.version, version);
    if (refusal === undefined) continue;
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `node group "${group.metadata.name}" runs ${group.spec.version}, which an upgrade to ${version} would leave unsupported: ${refusal}; upgrade the node group first`,
      { field: 'version', details: { nodeGroup: group.metadata.name } },
    );
  }
}

/** `controlPlaneOnly`: groups that follow the cluster get its current version as their own. */
async function pinFollowers(
  tx: Repositories,
  key: ClusterKey,
  groups: NodeGroup[],
  cluster: Cluster,
): Promise<string[]> {
  const pinned: string[] = [];
  for (const group of groups) {
    if (group.spec.version !== undefined || group.metadata.deletionRequestedAt) continue;
    const runs = group.status.version ?? cluster.status.version ?? cluster.spec.version;
    const pinnedGroup = await tx.nodeGroups.update(
      { project: key.project, cluster: key.name, name: group.metadata.name },
      { spec: { ...group.spec, version: runs } },
    );
    group.spec = pinnedGroup.spec;
    pinned.push(group.metadata.name);
  }
  return pinned;
}
