/**
 * The one place errors become HTTP responses: every failure leaves as `application/problem+json`
 * with a stable `code`. Bad input of any kind maps to a 4xx; only real faults are 5xx, and their
 * detail never carries internals (the log has them, keyed by request id).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BerthError, isBerthError, type ErrorCode } from '@berth/errors';
import { validationError } from './validation.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BERTH_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'BERTH_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BERTH_ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BERTH_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BERTH_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BERTH_ERR_BAD_REQUEST',
};

const statusCodes: Record<number, ErrorCode> = {
  401: 'BERTH_ERR_UNAUTHENTICATED',
  403: 'BERTH_ERR_FORBIDDEN',
  404: 'BERTH_ERR_NOT_FOUND',
  405: 'BERTH_ERR_METHOD_NOT_ALLOWED',
  406: 'BERTH_ERR_NOT_ACCEPTABLE',
  413: 'BERTH_ERR_PAYLOAD_TOO_LARGE',
  415: 'BERTH_ERR_UNSUPPORTED_MEDIA_TYPE',
  429: 'BERTH_ERR_RATE_LIMITED',
};

function fromFastify(err: FastifyError): BerthError | undefined {
  if (err.validation) return validationError(err.validation);
  const byCode = err.code ? fastifyCodes[err.code] : undefined;
  if (byCode) return new BerthError(byCode, badInputMessage(err));
  if (err instanceof SyntaxError)
    return new BerthError('BERTH_ERR_BAD_REQUEST', `body is not valid JSON: ${err.message}`);
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return new BerthError(statusCodes[status] ?? 'BERTH_ERR_BAD_REQUEST', badInputMessage(err));
  return undefined;
}

function badInputMessage(err: FastifyError): string {
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return 'unsupported Content-Type; send application/json (or application/merge-patch+json for PATCH)';
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError)
    return 'body is not valid JSON';
  return err.message;
}

/** Maps anything thrown while handling a request to a BerthError. */
export function toBerthError(err: unknown): BerthError {
  if (isBerthError(err)) return err;
  if (err instanceof Error) {
    const mapped = fromFastify(err as FastifyError);
    if (mapped) return mapped;
  }
  return new BerthError(
    'BERTH_ERR_INTERNAL',
    'internal error; the server log has details under this request id',
  );
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  err: BerthError,
): FastifyReply {
  const problem = err.toProblem(request.url.split('?')[0]);
  if (err.status >= 500) problem.details = { ...problem.details, requestId: request.id };
  return reply.code(err.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Fastify error handler: logs real faults, answers every error with a problem. */
export function handleError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const mapped = toBerthError(err);
  // 501 is a refusal of a feature not built yet, not a fault of this server.
  if (mapped.status >= 500 && mapped.code !== 'BERTH_ERR_NOT_IMPLEMENTED')
    request.log.error({ err, code: mapped.code }, 'request failed');
  else request.log.debug({ code: mapped.code, field: mapped.field }, 'request rejected');
  return sendProblem(request, reply, mapped);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0];
  return sendProblem(
    request,
    reply,
    new BerthError('BERTH_ERR_NOT_FOUND', `no route ${request.method} ${path}`),
  );
}
