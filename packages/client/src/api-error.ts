/**
 * What the client throws when a call fails: the server's problem+json (RFC 9457) body as an
 * error with typed fields, or a synthetic one for transport failures. `code` is a string rather
 * than the catalogue's union because a newer server may return codes this client does not know.
 */
import type { ProblemBody } from '@berth/api-types';

export interface ApiErrorFields {
  status: number;
  code: string;
  message: string;
  field?: string | undefined;
  title?: string | undefined;
  instance?: string | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

/** Codes the client uses when the failure never reached a problem body. */
export const CLIENT_ERROR_CODES = {
  /** No connection could be made or kept (refused, reset, DNS); `status` is 0. */
  unreachable: 'BERTH_ERR_UNAVAILABLE',
  /** The server answered with a status but no problem body (a proxy, an old server). */
  http: 'BERTH_ERR_HTTP',
  /** The server answered 2xx with a body the client could not read. */
  badResponse: 'BERTH_ERR_BAD_RESPONSE',
} as const;

/** Statuses after which the server did not act on the request, so repeating it is safe. */
const RETRYABLE_STATUSES = new Set([0, 429, 503]);

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly title: string | undefined;
  readonly instance: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(fields: ApiErrorFields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'ApiError';
    this.status = fields.status;
    this.code = fields.code;
    this.field = fields.field;
    this.title = fields.title;
    this.instance = fields.instance;
    this.details = fields.details;
  }

  /**
   * True for failures where the server did not act, so the same request may be sent again:
   * unreachable, 429, 503, and a 409 saying an earlier attempt with the same Idempotency-Key is
   * still running (the retry then gets that attempt's answer).
   */
  get retryable(): boolean {
    if (RETRYABLE_STATUSES.has(this.status)) return true;
    return (
      this.status === 409 && this.code === 'BERTH_ERR_CONFLICT' && this.field === 'Idempotency-Key'
    );
  }

  static fromProblem(status: number, body: Partial<ProblemBody>): ApiError {
    return new ApiError({
      status,
      code: typeof body.code === 'string' ? body.code : CLIENT_ERROR_CODES.http,
      message: body.detail ?? body.title ?? `HTTP ${status}`,
      field: body.field,
      title: body.title,
      instance: body.instance,
      details: body.details,
    });
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** True when `err` is the rejection of an aborted fetch or body read. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}
