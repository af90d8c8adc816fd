/**
 * The `Upgraded` condition: which step of a version change the cluster is in. Steps, in order:
 * `ControlPlaneUpgrading` (masters one at a time; etcd is stacked on them, so it moves with
 * them), then `NodeGroupUpgrading` (each group that follows the cluster, once every master runs
 * the new release), then `UpgradeComplete`. A step that fails is `UpgradeFailed`, naming the
 * step and its error; the controllers retry it (with backoff), and nothing moves past it.
 */
import { nodeGroupTargetVersion, type NodeGroup } from '@berth/api-types';
import { findCondition } from '../conditions.js';
import { errorMessage } from '../failures.js';
import { ClusterConditions, condition, type ClusterPass } from './context.js';

export const UPGRADED = 'Upgraded';

/** The version `nodeGroup` should run, given what the masters of this pass run. */
export function groupTarget(pass: ClusterPass, nodeGroup: NodeGroup): string {
  return nodeGroupTargetVersion(
    nodeGroup.spec.version,
    pass.cluster.spec.version,
    pass.status.controlPlaneVersion ?? pass.cluster.status.version,
  );
}

/** Groups not being deleted whose nodes do not all run their target version yet. */
export function groupsBehind(pass: ClusterPass, nodeGroups: NodeGroup[]): NodeGroup[] {
  return nodeGroups.filter(
    (ng) =>
      ng.metadata.deletionRequestedAt === undefined && ng.status.version !== groupTarget(pass, ng),
  );
}

/**
 * Sets `Upgraded` once the cluster has run (a cluster still provisioning has nothing to
 * upgrade). `failure` is the error this pass failed with, if any.
 */
export function reportUpgrade(pass: ClusterPass, nodeGroups: NodeGroup[], failure: unknown): void {
  const { cluster, status } = pass;
  if (status.version === undefined || cluster.spec.stopped) return;
  // A cluster from before controlPlaneVersion existed, not upgrading: wait for the first pass
  // that finds its masters ready rather than report a step nobody asked for.
  if (status.controlPlaneVersion === undefined && status.version.startsWith(cluster.spec.version))
    return;
  const target = cluster.spec.version;
  const live = nodeGroups.filter((ng) => ng.metadata.deletionRequestedAt === undefined);
  if (status.controlPlaneVersion !== target) {
    const masters = cluster.spec.controlPlane.count;
    const done =
      pass.mastersOutdated === undefined
        ? 'waiting for the control plane to be ready'
        : `${masters - pass.mastersOutdated}/${masters} masters run it`;
    const blocked = findCondition(status.conditions, ClusterConditions.controlPlane);
    const step = `control plane to ${target} (${done}; node groups wait for it)`;
    if (failure !== undefined) return failed(pass, step, errorMessage(failure));
    if (blocked?.reason === 'ReplacementUnsafe') return failed(pass, step, blocked.message);
    // While a replaced master starts, the last count stands (one event per master, not two).
    const shown = findCondition(cluster.status.conditions, UPGRADED);
    const message =
      pass.mastersOutdated === undefined && shown?.reason === 'ControlPlaneUpgrading'
        ? shown.message
        : `upgrading the ${step}`;
    condition(pass, UPGRADED, 'False', 'ControlPlaneUpgrading', message);
    return;
  }
  const behind = groupsBehind(pass, live);
  if (behind.length > 0) {
    const group = behind[0]!;
    const rolling = findCondition(group.status.conditions, 'UpToDate');
    const step = `node group ${group.metadata.name} to ${groupTarget(pass, group)}`;
    if (rolling?.reason === 'RollingUpdateFailed') return failed(pass, step, rolling.message);
    const rest = behind.length > 1 ? `; then ${behind.slice(1).map(nameOf).join(', ')}` : '';
    condition(
      pass,
      UPGRADED,
      'False',
      'NodeGroupUpgrading',
      `upgrading ${step}: ${group.spec.maxUnavailable} of its nodes at a time, new nodes first, then the old ones drained honouring PodDisruptionBudgets${rest}`,
    );
    return;
  }
  const pinned = live.filter((ng) => ng.spec.version !== undefined);
  const held = pinned.map((ng) => `${ng.metadata.name} at ${ng.spec.version}`).join(', ');
  condition(
    pass,
    UPGRADED,
    'True',
    'UpgradeComplete',
    `the control plane${live.length > pinned.length ? ' and every node group that follows it' : ''} run ${target}${held ? `; pinned: ${held}` : ''}`,
  );
}

function failed(pass: ClusterPass, step: string, why: string): void {
  condition(
    pass,
    UPGRADED,
    'False',
    'UpgradeFailed',
    `upgrading the ${step} failed: ${why}. The cluster keeps serving on the versions it runs; the step is retried, and POST :upgrade with the same version retries it now`,
  );
}

const nameOf = (ng: NodeGroup) => ng.metadata.name;
