/**
 * Keyset pagination: lists are ordered by a unique key (name, id, …) and the opaque `continue`
 * token carries the last key of the previous page, so pages stay stable under concurrent writes
 * and cost one indexed range scan each.
 */
import { BerthError } from '@berth/errors';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@berth/api-types';

export interface PageRequest {
  /** Items per page: default 100, at most 500. */
  limit?: number;
  /** The `continue` token of the previous page. */
  continue?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when more items follow; pass it back as `continue`. */
  continue?: string;
}

export function pageLimit(request: PageRequest): number {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`,
      {
        field: 'limit',
      },
    );
  }
  return limit;
}

export function encodeContinue(after: string): string {
  return Buffer.from(JSON.stringify({ a: after }), 'utf8').toString('base64url');
}

/** The key to resume after, or undefined for the first page; throws on a malformed token. */
export function decodeContinue(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { a?: unknown };
    if (typeof parsed.a === 'string' && !/[\u0000-\u001f]/.test(parsed.a)) return parsed.a;
  } catch {
    // fall through to the validation error
  }
  throw new BerthError(
    'BERTH_ERR_VALIDATION',
    'continue is not a token returned by a previous page',
    {
      field: 'continue',
    },
  );
}

/** Splits `limit + 1` fetched rows into a page and the token for the next one. */
export function toPage<T>(rows: T[], limit: number, keyOf: (item: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, continue: encodeContinue(keyOf(items[items.length - 1]!)) };
}
