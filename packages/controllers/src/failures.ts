/** How a failed pass reaches users: a message on status, a problem on the operation. */
import type { ProblemBody } from '@berth/api-types';
import { BerthError, isBerthError } from '@berth/errors';

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function problemOf(err: unknown): ProblemBody {
  const berth = isBerthError(err) ? err : new BerthError('BERTH_ERR_TERMINAL', errorMessage(err));
  return berth.toProblem() as ProblemBody;
}

/** A condition reason for a failure: its error code in CamelCase (`ComponentMissing`). */
export function failureReason(err: unknown): string {
  if (!isBerthError(err)) return 'Failed';
  return err.code
    .replace(/^BERTH_ERR_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
