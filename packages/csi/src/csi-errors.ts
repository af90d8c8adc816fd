/**
 * Errors of the driver: BerthErrors from the catalogue, mapped to gRPC status codes in one
 * place, as the spec's error tables ask (e.g. a volume published elsewhere is
 * FAILED_PRECONDITION, a size the type cannot have OUT_OF_RANGE, a bad list token ABORTED).
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { BerthError, type ErrorCode } from '@berth/errors';

export const csiErrors = {
  /** A required field missing or malformed. */
  invalid: (field: string, message: string) =>
    new BerthError('BERTH_ERR_VALIDATION', message, { field }),
  notFound: (what: string, id: string) =>
    new BerthError('BERTH_ERR_NOT_FOUND', `${what} "${id}" not found`, { details: { id } }),
  /** A create under an existing name with other properties. */
  alreadyExists: (message: string) => new BerthError('BERTH_ERR_ALREADY_EXISTS', message),
  outOfRange: (message: string) => new BerthError('BERTH_ERR_OUT_OF_RANGE', message),
  /** The volume or node is not in a state that allows the call (attached elsewhere, mounted). */
  precondition: (message: string) => new BerthError('BERTH_ERR_INVALID_STATE', message),
  badToken: (token: string) =>
    new BerthError('BERTH_ERR_INVALID_PAGE_TOKEN', `starting_token "${token}" is not one of ours`),
};

const GRPC_STATUS: Partial<Record<ErrorCode, status>> = {
  BERTH_ERR_VALIDATION: status.INVALID_ARGUMENT,
  BERTH_ERR_BAD_REQUEST: status.INVALID_ARGUMENT,
  BERTH_ERR_NOT_FOUND: status.NOT_FOUND,
  BERTH_ERR_ALREADY_EXISTS: status.ALREADY_EXISTS,
  BERTH_ERR_OUT_OF_RANGE: status.OUT_OF_RANGE,
  BERTH_ERR_INVALID_PAGE_TOKEN: status.ABORTED,
  BERTH_ERR_CONFLICT: status.FAILED_PRECONDITION,
  BERTH_ERR_INVALID_STATE: status.FAILED_PRECONDITION,
  BERTH_ERR_PROVIDER_QUOTA: status.RESOURCE_EXHAUSTED,
  BERTH_ERR_QUOTA_EXCEEDED: status.RESOURCE_EXHAUSTED,
  BERTH_ERR_NOT_IMPLEMENTED: status.UNIMPLEMENTED,
  BERTH_ERR_TIMEOUT: status.DEADLINE_EXCEEDED,
  BERTH_ERR_PROVIDER: status.UNAVAILABLE,
  BERTH_ERR_UNAVAILABLE: status.UNAVAILABLE,
};

/** The gRPC error a call answers with; anything not a BerthError is INTERNAL. */
export function toGrpcError(err: unknown): Partial<ServiceError> {
  if (err instanceof BerthError) {
    const field = err.field === undefined ? '' : ` (${err.field})`;
    return { code: GRPC_STATUS[err.code] ?? status.INTERNAL, details: `${err.message}${field}` };
  }
  return { code: status.INTERNAL, details: err instanceof Error ? err.message : String(err) };
}
