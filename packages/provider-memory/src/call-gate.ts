/**
 * Every provider call passes through the gate: it is logged, delayed and failed as the test
 * asked, and honours its AbortSignal (rejecting with `signal.reason`) before and after a delay.
 */
import { BerthError } from '@berth/errors';
import type { ProviderMethod } from '@berth/provider-api';

export interface CallRecord {
  /** 1-based position in the log. */
  seq: number;
  method: ProviderMethod;
  /** A copy of the input as passed. */
  input: unknown;
  outcome: 'pending' | 'ok' | 'error';
  /** Set when outcome is `error`. */
  error?: { name: string; code?: string; message: string };
}

/**
 * Fails calls of `method` (or every method with `*`). The rule counts the calls that match
 * `method` and `when`, made after it was installed; the `nth` such call (1-based, default 1) and
 * the `times - 1` after it (default `times` 1; `Infinity` for all) fail.
 */
export interface FailRule {
  method: ProviderMethod | '*';
  nth?: number;
  times?: number;
  when?: (input: unknown, method: ProviderMethod) => boolean;
  /** Default: a retryable `BERTH_ERR_PROVIDER` naming the call. */
  error?: Error | ((method: ProviderMethod, input: unknown) => Error);
  /**
   * `before` (default): the call fails without effect. `after`: the call takes effect, then
   * fails — the reply lost on the way back, as when a process dies mid-request.
   */
  phase?: 'before' | 'after';
}

export interface DelayRule {
  method: ProviderMethod | '*';
  ms: number;
}

export interface FaultHandle {
  /** How many calls this rule has failed (or delayed). */
  readonly fired: number;
  remove(): void;
}

interface ActiveFail extends FaultHandle {
  rule: FailRule;
  seen: number;
  fired: number;
}

interface ActiveDelay extends FaultHandle {
  rule: DelayRule;
  fired: number;
}

export class CallGate {
  readonly calls: CallRecord[] = [];
  private fails: ActiveFail[] = [];
  private delays: ActiveDelay[] = [];

  fail(rule: FailRule): FaultHandle {
    const active: ActiveFail = {
      rule,
      seen: 0,
      fired: 0,
      remove: () => (this.fails = this.fails.filter((f) => f !== active)),
    };
    this.fails.push(active);
    return active;
  }

  delay(rule: DelayRule): FaultHandle {
    const active: ActiveDelay = {
      rule,
      fired: 0,
      remove: () => (this.delays = this.delays.filter((d) => d !== active)),
    };
    this.delays.push(active);
    return active;
  }

  clear(): void {
    this.fails = [];
    this.delays = [];
  }

  /** Runs `body` (synchronous, so each call is atomic) under the test's faults. */
  async run<T>(
    method: ProviderMethod,
    input: unknown,
    signal: AbortSignal,
    body: () => T,
  ): Promise<T> {
    const record: CallRecord = {
      seq: this.calls.length + 1,
      method,
      input: copy(input),
      outcome: 'pending',
    };
    this.calls.push(record);
    try {
      signal.throwIfAborted();
      await this.applyDelays(method, signal);
      signal.throwIfAborted();
      const failure = this.matchFailure(method, input);
      if (failure?.phase === 'before') throw failure.error;
      const result = body();
      if (failure?.phase === 'after') throw failure.error;
      record.outcome = 'ok';
      return result;
    } catch (err) {
      record.outcome = 'error';
      record.error = describe(err);
      throw err;
    }
  }

  private async applyDelays(method: ProviderMethod, signal: AbortSignal): Promise<void> {
    for (const d of this.delays.filter((d) => matchesMethod(d.rule.method, method))) {
      d.fired++;
      await sleep(d.rule.ms, signal);
    }
  }

  private matchFailure(method: ProviderMethod, input: unknown) {
    for (const f of this.fails) {
      const { rule } = f;
      if (!matchesMethod(rule.method, method) || (rule.when && !rule.when(input, method))) continue;
      f.seen++;
      const nth = rule.nth ?? 1;
      if (f.seen >= nth && f.seen < nth + (rule.times ?? 1)) {
        f.fired++;
        return { phase: rule.phase ?? 'before', error: makeError(rule, method, input, f.seen) };
      }
    }
    return undefined;
  }
}

function matchesMethod(pattern: ProviderMethod | '*', method: ProviderMethod): boolean {
  return pattern === '*' || pattern === method;
}

function makeError(rule: FailRule, method: ProviderMethod, input: unknown, count: number): Error {
  if (typeof rule.error === 'function') return rule.error(method, input);
  return (
    rule.error ?? new BerthError('BERTH_ERR_PROVIDER', `injected fault: ${method} call ${count}`)
  );
}

function describe(err: unknown): CallRecord['error'] {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  const out: NonNullable<CallRecord['error']> = {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
  if (typeof e?.code === 'string') out.code = e.code;
  return out;
}

function copy(input: unknown): unknown {
  try {
    return structuredClone(input);
  } catch {
    return input; // holds something uncloneable (a function); log it as passed
  }
}

/** Resolves after `ms`, or rejects with `signal.reason` when the signal aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
