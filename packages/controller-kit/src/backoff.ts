/**
 * Per-key exponential backoff with jitter. The n-th consecutive failure of a key waits
 * `min(maxMs, baseMs · factor^(n−1))`, reduced by a random fraction up to `jitter`, so the
 * delay always lies in `[cap · (1 − jitter), cap]` and never exceeds `maxMs`. Jitter spreads
 * retries of many keys that failed together (one provider outage) instead of retrying in step.
 */
import { errors } from '@berth/errors';

export interface BackoffOptions {
  /** Delay after the first failure. Default 500 ms. */
  baseMs?: number;
  /** Upper bound for any delay. Default 5 minutes: infrastructure recovers on that scale. */
  maxMs?: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
  /** Fraction in [0, 1] by which a delay may be shortened at random. Default 0.2. */
  jitter?: number;
  /** Uniform random number in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

interface ResolvedBackoff {
  baseMs: number;
  maxMs: number;
  factor: number;
  jitter: number;
  random: () => number;
}

export const defaultBackoff: Readonly<Omit<ResolvedBackoff, 'random'>> = {
  baseMs: 500,
  maxMs: 5 * 60_000,
  factor: 2,
  jitter: 0.2,
};

/** The delay before retry number `failures` (1 = first failure), before jitter. */
export function backoffCeiling(
  failures: number,
  opts: Pick<ResolvedBackoff, 'baseMs' | 'maxMs' | 'factor'>,
): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(opts.maxMs, opts.baseMs * Math.pow(opts.factor, exponent));
}

export class KeyedBackoff {
  readonly #opts: ResolvedBackoff;
  readonly #failures = new Map<string, number>();

  constructor(options: BackoffOptions = {}) {
    const jitter = options.jitter ?? defaultBackoff.jitter;
    if (!(jitter >= 0 && jitter <= 1)) throw errors.invalid('backoff.jitter', 'must be in [0, 1]');
    this.#opts = {
      baseMs: options.baseMs ?? defaultBackoff.baseMs,
      maxMs: options.maxMs ?? defaultBackoff.maxMs,
      factor: options.factor ?? defaultBackoff.factor,
      jitter,
      random: options.random ?? Math.random,
    };
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const ceiling = backoffCeiling(failures, this.#opts);
    return ceiling * (1 - this.#opts.jitter * this.#opts.random());
  }

  /** Consecutive failures recorded for `key` since its last reset. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Forgets `key`'s failures, so its next failure starts again from `baseMs`. */
  reset(key: string): void {
    this.#failures.delete(key);
  }
}
