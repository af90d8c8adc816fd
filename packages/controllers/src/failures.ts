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
