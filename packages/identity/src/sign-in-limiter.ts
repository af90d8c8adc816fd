/**
 * Brute-force protection for `POST /v1/login`: failed sign-ins are counted per user name and per
 * (user name, client address) in a sliding window. Once either count reaches its limit, further
 * attempts are refused with BERTH_ERR_RATE_LIMITED — without asking the directory — until the
 * oldest failure leaves the window. A success clears the pair's count. In-memory, per replica:
 * with N replicas an attacker gets at most N times the budget.
 */
import { BerthError } from '@berth/errors';

export interface SignInLimits {
  /** Failures per (user, address) within the window. Default 5. */
  perAddress: number;
  /** Failures per user from any address within the window. Default 20. */
  perUser: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAddress: 5,
  perUser: 20,
  windowMs: 5 * 60_000,
};

const MAX_KEYS = 100_000;

export class SignInLimiter {
  readonly #limits: SignInLimits;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();

  constructor(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Throws BERTH_ERR_RATE_LIMITED (with the seconds to wait) when a limit is reached. */
  check(username: string, address: string): void {
    const wait = Math.max(
      this.#wait(pairKey(username, address), this.#limits.perAddress),
      this.#wait(userKey(username), this.#limits.perUser),
    );
    if (wait > 0) {
      throw new BerthError(
        'BERTH_ERR_RATE_LIMITED',
        `too many failed sign-ins for "${username}"; try again in ${Math.ceil(wait / 1000)} s`,
        { details: { retryAfterSeconds: Math.ceil(wait / 1000) } },
      );
    }
  }

  recordFailure(username: string, address: string): void {
    if (this.#failures.size >= MAX_KEYS) this.#failures.clear();
    for (const key of [pairKey(username, address), userKey(username)]) {
      const list = this.#recent(key);
      list.push(this.#now());
      this.#failures.set(key, list);
    }
  }

  recordSuccess(username: string, address: string): void {
    this.#failures.delete(pairKey(username, address));
  }

  #wait(key: string, limit: number): number {
    const list = this.#recent(key);
    if (list.length < limit) return 0;
    return list[list.length - limit]! + this.#limits.windowMs - this.#now();
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#limits.windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > since);
  }
}

const userKey = (username: string) => `u\0${username.toLowerCase()}`;
const pairKey = (username: string, address: string) => `p\0${username.toLowerCase()}\0${address}`;
