/**
 * How an addon operation stands, from the addon's status: AddonInstall succeeds when the addon
 * is Installed for the spec the action wrote (observedGeneration caught up) and fails when it is
 * Failed, or when the addon left the spec before it got there; AddonRemove succeeds once the
 * addon is gone from the cluster.
 */
import type { AddonStatus, Cluster, Operation, ProblemBody } from '@berth/api-types';
import type { OperationUpdate } from '@berth/controller-ports';
import { BerthError } from '@berth/errors';

export function addonOperationUpdate(
  op: Operation,
  cluster: Cluster,
  statuses: readonly AddonStatus[],
): OperationUpdate | undefined {
  const name = op.target.addon;
  if (name === undefined) return undefined;
  const status = statuses.find((s) => s.name === name);
  const caughtUp = (s: AddonStatus) => (s.observedGeneration ?? 0) >= op.target.generation;
  if (op.kind === 'AddonRemove') {
    if (status === undefined && cluster.metadata.generation >= op.target.generation)
      return { phase: 'Succeeded', progress: 100, message: `addon ${name} removed` };
    return { phase: 'Running', progress: 50, message: status?.message ?? `removing addon ${name}` };
  }
  if (op.kind !== 'AddonInstall') return undefined;
  if (
    !cluster.spec.addons.some((a) => a.name === name) &&
    cluster.metadata.generation > op.target.generation
  )
    return failed(
      `cancelled: addon ${name} was removed from the cluster's spec`,
      'BERTH_ERR_INVALID_STATE',
    );
  if (status === undefined || !caughtUp(status))
    return { phase: 'Running', progress: 10, message: `installing addon ${name}` };
  if (status.phase === 'Installed')
    return {
      phase: 'Succeeded',
      progress: 100,
      message: `addon ${name} ${status.version ?? ''} installed: ${status.message ?? ''}`.trim(),
    };
  if (status.phase === 'Failed') {
    // Workloads that did not become ready in time time out; anything else (no image, settings
    // an older Berth stored) is a state the addon cannot be installed from.
    const timedOut = status.reason !== 'NotRenderable' && status.reason !== 'InvalidSettings';
    const message = `addon ${name} failed: ${status.reason ?? 'Failed'}: ${status.message ?? ''}`;
    return failed(message, timedOut ? 'BERTH_ERR_TIMEOUT' : 'BERTH_ERR_INVALID_STATE');
  }
  return { phase: 'Running', progress: 50, message: status.message ?? `installing addon ${name}` };
}

function failed(
  message: string,
  code: 'BERTH_ERR_INVALID_STATE' | 'BERTH_ERR_TIMEOUT',
): OperationUpdate {
  const error = new BerthError(code, message, { retryable: false }).toProblem() as ProblemBody;
  return { phase: 'Failed', progress: 100, message, error };
}
