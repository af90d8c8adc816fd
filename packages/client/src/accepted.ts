/**
 * Long actions (create, delete, start, stop, upgrade, node group changes, addons) answer
 * `202 Accepted` with the operation that tracks them; follow it with `getOperation` or
 * `waitForOperation`. The server may also include the object as it stands after the request.
 */
import type { Operation } from '@berth/api-types';
import { ApiError, CLIENT_ERROR_CODES } from './api-error.js';

export interface Accepted<T> {
  operation: Operation;
  /** The object after the request was recorded, when the server includes it. */
  object?: T;
}

/** The answer to a PATCH: the changed object, and an operation when the change takes work. */
export interface Patched<T> {
  object?: T;
  operation?: Operation;
}

/**
 * Reads `{operation, <object>}` (the server names the object `cluster`, `nodeGroup` or `addon`),
 * or a bare operation, into `Accepted`. Whatever other key holds an object is taken as the
 * object, so the envelope key does not matter.
 */
export function toAccepted<T>(body: unknown, what: string): Accepted<T> {
  const patched = toPatched<T>(body);
  if (!patched.operation) {
    throw new ApiError({
      status: 202,
      code: CLIENT_ERROR_CODES.badResponse,
      message: `${what}: the server's answer names no operation`,
    });
  }
  const accepted: Accepted<T> = { operation: patched.operation };
  if (patched.object !== undefined) accepted.object = patched.object;
  return accepted;
}

export function toPatched<T>(body: unknown): Patched<T> {
  if (!isRecord(body)) return {};
  if (isOperation(body)) return { operation: body as unknown as Operation };
  if (typeof body.apiVersion === 'string') return { object: body as T };
  const result: Patched<T> = {};
  if (isRecord(body.operation) && isOperation(body.operation)) {
    result.operation = body.operation as unknown as Operation;
  }
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'operation' && isRecord(value)) {
      result.object = value as T;
    }
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOperation(value: Record<string, unknown>): boolean {
  return typeof value.id === 'string' && typeof value.phase === 'string' && 'target' in value;
}
