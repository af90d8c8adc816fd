/**
 * One HTTP exchange with the Berth API: URL and headers, an `Idempotency-Key` on every POST,
 * retries with backoff, and problem+json bodies turned into `ApiError`.
 *
 * Retry contract: every call this client makes is safe to repeat — GET and DELETE by nature,
 * PATCH because a JSON merge patch applied twice gives the same object, POST because the same
 * `Idempotency-Key` is resent on each attempt and the server replays its first answer. So a call
 * is retried when the connection fails, on 429/503 (the server did not act) and on a 409 saying
 * an attempt with the same key is still running, honouring `Retry-After`. Every other status is
 * thrown at once.
 */
import { ApiError, CLIENT_ERROR_CODES, isAbortError } from './api-error.js';
import { randomUuid, sleep } from './portable.js';

export type Fetch = typeof globalThis.fetch;
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

export interface RetryPolicy {
  /** Total tries, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

export interface TransportOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:7070`; a path prefix is kept. */
  endpoint: string;
  token?: string | undefined;
  fetch?: Fetch | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  userAgent?: string | undefined;
}

export interface Call {
  method: Method;
  path: string;
  query?: Query | undefined;
  body?: unknown;
  /** Defaults to `application/json`; merge-patch calls pass `application/merge-patch+json`. */
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** False for callers that handle reconnection themselves (the event stream). */
  retry?: boolean;
}

export class Transport {
  private readonly endpoint: string;
  private readonly token: string | undefined;
  private readonly fetchFn: Fetch;
  private readonly retryPolicy: RetryPolicy;
  private readonly userAgent: string;

  constructor(options: TransportOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.token = options.token;
    // Called as a plain function: browsers refuse `fetch` invoked with another `this`.
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.userAgent = options.userAgent ?? 'berth-client/0.1.0';
  }

  /** Sends `call` and returns the successful response; throws `ApiError` otherwise. */
  async send(call: Call): Promise<Response> {
    const url = this.url(call.path, call.query);
    const init = this.init(call);
    const attempts = call.retry === false ? 1 : this.retryPolicy.attempts;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(url, init);
      } catch (err) {
        if (isAbortError(err) || call.signal?.aborted) throw err;
        if (attempt >= attempts) throw unreachable(this.endpoint, err);
        await sleep(this.backoff(attempt), call.signal);
        continue;
      }
      if (res.ok) return res;
      const error = await errorFrom(res);
      if (!error.retryable || attempt >= attempts) throw error;
      await sleep(retryAfterMs(res) ?? this.backoff(attempt), call.signal);
    }
  }

  /** Sends `call` and parses the JSON body; `undefined` for 204 No Content. */
  async json<T>(call: Call): Promise<T> {
    const res = await this.send(call);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ApiError({
        status: res.status,
        code: CLIENT_ERROR_CODES.badResponse,
        message: `${call.method} ${call.path}: the server's answer is not JSON`,
        cause: err,
      });
    }
  }

  async text(call: Call): Promise<string> {
    return (await this.send(call)).text();
  }

  url(path: string, query: Query = {}): string {
    const url = new URL(this.endpoint + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private init(call: Call): RequestInit {
    const headers: Record<string, string> = {
      accept: call.accept ?? 'application/json',
      'user-agent': this.userAgent,
      ...call.headers,
    };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    // One key per logical call, created here so every retry below resends the same one.
    if (call.method === 'POST') headers['idempotency-key'] ??= randomUuid();
    let body: string | undefined;
    if (call.body !== undefined) {
      headers['content-type'] = call.contentType ?? 'application/json';
      body = JSON.stringify(call.body);
    }
    return { method: call.method, headers, body, signal: call.signal };
  }

  /** Exponential backoff with full jitter, so many clients do not retry in step. */
  private backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.retryPolicy;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

/** Reads a failed response into an `ApiError`, preferring the server's problem body. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  const problem = parseObject(text);
  if (problem && (typeof problem.code === 'string' || typeof problem.detail === 'string')) {
    return ApiError.fromProblem(res.status, problem);
  }
  const excerpt = text.trim().slice(0, 200);
  return new ApiError({
    status: res.status,
    code: CLIENT_ERROR_CODES.http,
    message: `HTTP ${res.status} ${res.statusText}${excerpt ? `: ${excerpt}` : ''}`,
  });
}

function parseObject(text: string): Record<string, never> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, never>)
      : undefined;
  } catch {
    return undefined;
  }
}

function unreachable(endpoint: string, err: unknown): ApiError {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const reason =
    (cause as { code?: unknown })?.code ?? (cause instanceof Error ? cause.message : String(cause));
  return new ApiError({
    status: 0,
    code: CLIENT_ERROR_CODES.unreachable,
    message: `cannot reach the Berth API at ${endpoint} (${String(reason)})`,
    cause: err,
  });
}

/** `Retry-After` in seconds or as an HTTP date, capped at a minute. */
function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : undefined;
}
