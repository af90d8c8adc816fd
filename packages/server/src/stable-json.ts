/** Structural equality of JSON values regardless of object key order. */
import { canonicalJson } from './idempotency.js';

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
