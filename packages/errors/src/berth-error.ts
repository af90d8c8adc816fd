/**
 * The one error type Berth raises on purpose. Every error carries a stable `code` from the
 * catalogue, the HTTP status it maps to, and whether retrying the same action can succeed.
 * The API maps it to `application/problem+json` in one place; controllers use `retryable` to
 * choose between backoff and a terminal condition.
 */
import { catalogue, type ErrorCode } from './catalogue.js';

export interface BerthErrorOptions {
  /** JSON path of the offending field for validation errors, e.g. `spec.controlPlane.count`. */
  field?: string;
  /** Extra machine-readable detail; never put secrets here. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Overrides the catalogue's retryability for this instance. */
  retryable?: boolean;
}

export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.status = catalogue[code].status;
    this.retryable = options.retryable ?? catalogue[code].retryable;
    this.field = options.field;
    this.details = options.details;
  }

  /** The problem+json body (RFC 9457) the API returns for this error. */
  toProblem(instance?: string): Problem {
    const problem: Problem = {
      type: `https://berth.dev/errors/${this.code}`,
      title: catalogue[this.code].title,
      status: this.status,
      code: this.code,
      detail: this.message,
    };
    if (instance !== undefined) problem.instance = instance;
    if (this.field !== undefined) problem.field = this.field;
    if (this.details !== undefined) problem.details = this.details;
    return problem;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  field?: string;
  details?: Record<string, unknown>;
}

export function isBerthError(err: unknown): err is BerthError {
  return err instanceof BerthError;
}

/** True when repeating the failed action may succeed (network blips, conflicts, timeouts). */
export function isRetryable(err: unknown): boolean {
  return isBerthError(err) ? err.retryable : true;
}

/** Shorthands for the errors raised most often. */
export const errors = {
  invalid: (field: string, message: string) =>
    new BerthError('BERTH_ERR_VALIDATION', message, { field }),
  notFound: (kind: string, name: string) =>
    new BerthError(notFoundCode(kind), `${kind} "${name}" not found`, { details: { kind, name } }),
  conflict: (message: string, field?: string) =>
    new BerthError('BERTH_ERR_CONFLICT', message, field === undefined ? {} : { field }),
  terminal: (message: string, cause?: unknown) =>
    new BerthError('BERTH_ERR_TERMINAL', message, { cause }),
};

function notFoundCode(kind: string): ErrorCode {
  const code = `BERTH_ERR_${kind.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_NOT_FOUND`;
  return code in catalogue ? (code as ErrorCode) : 'BERTH_ERR_NOT_FOUND';
}
