/** The unit the conformance suite is made of, and assertion helpers the scenarios share. */
import assert from 'node:assert/strict';
import type { ErrorCode } from '@berth/errors';
import type { ConformanceEnv } from './env.js';
import type { ProviderCapability } from './options.js';

export interface Scenario {
  /** Reads as a sentence of the contract. */
  name: string;
  /** Skipped when the provider lacks any of these. */
  needs?: ProviderCapability[];
  run(env: ConformanceEnv): Promise<void>;
}

export interface ScenarioGroup {
  title: string;
  scenarios: Scenario[];
}

/** Asserts that `promise` rejects with a BerthError of `code`. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: ErrorCode,
  what: string,
): Promise<void> {
  await assert.rejects(
    promise,
    (err: unknown) => {
      const actual = (err as { code?: unknown } | null)?.code;
      assert.equal(actual, code, `${what}: expected ${code}, got ${String(err)}`);
      return true;
    },
    `${what}: expected rejection with ${code}`,
  );
}

export function ids(objects: readonly { id: string }[]): string[] {
  return objects.map((o) => o.id).sort();
}
