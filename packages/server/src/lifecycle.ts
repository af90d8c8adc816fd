/**
 * Which lifecycle actions each cluster phase allows. The API checks these inside the write
 * transaction, so two concurrent actions cannot both pass.
 */
import type { ClusterPhase } from '@berth/api-types';
import { BerthError } from '@berth/errors';

export type ClusterAction =
  | 'stop'
  | 'start'
  | 'upgrade'
  | 'retry-upgrade'
  | 'upgrade-node-group'
  | 'renew-certificates'
  | 'delete'
  | 'update';

const allowedFrom: Record<ClusterAction, readonly ClusterPhase[] | 'any-but-deleting'> = {
  stop: ['Running'],
  start: ['Stopped'],
  upgrade: ['Running'],
  // The same version again while its upgrade has not finished.
  'retry-upgrade': ['Upgrading', 'Error'],
  // A node group follows its own version while its cluster runs (or upgrades, or converges).
  'upgrade-node-group': ['Running', 'Reconciling', 'Upgrading'],
  'renew-certificates': ['Running'],
  delete: 'any-but-deleting',
  update: 'any-but-deleting',
};

/** Throws BERTH_ERR_INVALID_STATE (409) naming the current phase when `action` is not allowed. */
export function checkAction(
  cluster: string,
  phase: ClusterPhase,
  deleting: boolean,
  action: ClusterAction,
): void {
  const allowed = allowedFrom[action];
  if (deleting || phase === 'Deleting') {
    throw new BerthError(
      'BERTH_ERR_INVALID_STATE',
      `cluster "${cluster}" is Deleting; it cannot ${action}`,
      {
        details: { phase: 'Deleting' },
      },
    );
  }
  if (allowed === 'any-but-deleting' || allowed.includes(phase)) return;
  throw new BerthError(
    'BERTH_ERR_INVALID_STATE',
    `cluster "${cluster}" is ${phase}; ${action} is possible only when it is ${allowed.join(' or ')}`,
    { details: { phase, allowed: [...allowed] } },
  );
}

/** The phase shown right after an accepted action, until a controller reports progress. */
export const phaseAfter: Partial<Record<ClusterAction, ClusterPhase>> = {
  stop: 'Stopping',
  start: 'Starting',
  upgrade: 'Upgrading',
  'renew-certificates': 'Reconciling',
  delete: 'Deleting',
};
