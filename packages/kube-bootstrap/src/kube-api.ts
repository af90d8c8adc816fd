/**
 * A small client for a cluster's Kubernetes API over mutual TLS: JSON in, JSON out, every call
 * bounded by a timeout and the caller's AbortSignal. Berth needs a dozen calls (nodes, pods,
 * evictions, RBAC), and plain `node:https` keeps that free of a heavy client library (the
 * official one's current majors need Node 22).
 *
 * Errors: an HTTP error status becomes a KubeApiError (status and the API's reason); a transport
 * failure (refused, reset, timed out, TLS) becomes BERTH_ERR_UNAVAILABLE naming the server.
 */
import { request } from 'node:https';
import { parse } from 'yaml';
import { BerthError } from '@berth/errors';

export interface KubeCredentials {
  /** e.g. `https://10.0.0.5:6443`. */
  server: string;
  caPem: string;
  certPem: string;
  /** A secret: never logged. */
  keyPem: string;
}

export interface KubeRequest {
  body?: unknown;
  /** Default `application/json`; patches name their kind. */
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
export const MERGE_PATCH = 'application/merge-patch+json';

export class KubeApi {
  constructor(readonly credentials: KubeCredentials) {}

  get server(): string {
    return this.credentials.server;
  }

  /** The object at `path`, or undefined when the API says 404. */
  async get<T>(path: string, options: KubeRequest = {}): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path, options);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Sends one request; resolves with the parsed body of a 2xx answer. */
  async request<T>(method: string, path: string, options: KubeRequest = {}): Promise<T> {
    const { status, text } = await this.raw(method, path, options);
    if (status >= 200 && status < 300) return (text === '' ? {} : JSON.parse(text)) as T;
    throw apiError(status, text, `${method} ${path}`);
  }

  /** Status and body text whatever the status (for /readyz, whose failures are plain text). */
  raw(method: string, path: string, options: KubeRequest = {}): Promise<RawResponse> {
    const url = new URL(path, this.credentials.server);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const signals = [AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)];
    if (options.signal) signals.push(options.signal);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method,
        ca: this.credentials.caPem,
        cert: this.credentials.certPem,
        key: this.credentials.keyPem,
        agent: false,
        signal: AbortSignal.any(signals),
        headers: {
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : {
                'content-type': options.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => reject(this.#unreachable(err)));
      });
      req.on('error', (err) => reject(this.#unreachable(err)));
      req.end(payload);
    });
  }

  #unreachable(err: Error): BerthError {
    const code = (err as NodeJS.ErrnoException).code;
    const why = err.name === 'AbortError' || err.name === 'TimeoutError' ? 'timed out' : code;
    return new BerthError(
      'BERTH_ERR_UNAVAILABLE',
      `the Kubernetes API at ${this.credentials.server} does not answer (${why ?? err.message})`,
      { details: { server: this.credentials.server } },
    );
  }
}

export interface RawResponse {
  status: number;
  text: string;
}

function apiError(status: number, text: string, what: string): KubeApiError {
  try {
    const body = JSON.parse(text) as { reason?: string; message?: string };
    return new KubeApiError(status, body.reason ?? '', `${what}: ${status} ${body.message ?? ''}`);
  } catch {
    return new KubeApiError(status, '', `${what}: ${status} ${text.slice(0, 200)}`);
  }
}

interface KubeconfigDoc {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

/** Credentials from a kubeconfig with embedded data (as `renderClientCertKubeconfig` writes). */
export function credentialsFromKubeconfig(text: string): KubeCredentials {
  const doc = parse(text) as KubeconfigDoc;
  const cluster = doc.clusters?.[0]?.cluster;
  const user = doc.users?.[0]?.user;
  const b64 = (v: string | undefined, what: string) => {
    if (v === undefined) throw new Error(`kubeconfig has no ${what}`);
    return Buffer.from(v, 'base64').toString('utf8');
  };
  if (cluster?.server === undefined) throw new Error('kubeconfig has no server');
  return {
    server: cluster.server,
    caPem: b64(cluster['certificate-authority-data'], 'certificate-authority-data'),
    certPem: b64(user?.['client-certificate-data'], 'client-certificate-data'),
    keyPem: b64(user?.['client-key-data'], 'client-key-data'),
  };
}
