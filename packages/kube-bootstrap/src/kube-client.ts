/**
 * Berth's thin adapter over `@kubernetes/client-node` for one cluster's API, reached over mutual
 * TLS with the admin client certificate. The library gives the typed API groups (and, to new
 * controllers, watches and informers, server-side apply, exec and log streams); this file adds
 * what Berth needs around every call:
 *
 * - a bound: each call is aborted after its timeout (default 10 s) or when the caller's
 *   AbortSignal fires, through the library's per-request signal;
 * - errors as BerthErrors: an HTTP error status becomes a `KubeApiError` (its status, the API's
 *   `reason`, a stable code and whether retrying can help); a transport failure (refused, reset,
 *   timed out, TLS) becomes `BERTH_ERR_UNAVAILABLE` naming the server.
 */
import {
  ApiException,
  CertificatesV1Api,
  CoordinationV1Api,
  CoreV1Api,
  StorageV1Api,
  createConfiguration,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  Observable,
  PatchStrategy,
  RequestContext,
  ServerConfiguration,
  type ResponseContext,
} from '@kubernetes/client-node';
import { fetch } from 'undici';
import { parse } from 'yaml';
import { BerthError, type ErrorCode } from '@berth/errors';

export interface KubeCredentials {
  /** e.g. `https://10.0.0.5:6443`. */
  server: string;
  caPem: string;
  certPem: string;
  /** A secret: never logged. */
  keyPem: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Default 10 s. */
  timeoutMs?: number;
  /** A patch's content type (merge patch, strategic merge, server-side apply). */
  patch?: PatchStrategy;
}

export interface RawResponse {
  status: number;
  text: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** An error status from the Kubernetes API, as a BerthError with the API's reason kept. */
export class KubeApiError extends BerthError {
  constructor(
    /** The Kubernetes API's HTTP status (`status` is the Berth code's). */
    readonly kubeStatus: number,
    /** The API's `reason`, e.g. `NotFound`, `TooManyRequests`. */
    readonly reason: string,
    message: string,
  ) {
    super(codeFor(kubeStatus), message, { details: { status: kubeStatus, reason } });
    this.name = 'KubeApiError';
  }
}

/** 404 → not found, 409 → conflict, 429 → rate limited, 5xx → unavailable (all retryable but 404). */
function codeFor(status: number): ErrorCode {
  if (status === 404) return 'BERTH_ERR_NOT_FOUND';
  if (status === 409) return 'BERTH_ERR_CONFLICT';
  if (status === 429) return 'BERTH_ERR_RATE_LIMITED';
  if (status === 401 || status === 403) return 'BERTH_ERR_FORBIDDEN';
  if (status >= 500) return 'BERTH_ERR_UNAVAILABLE';
  return 'BERTH_ERR_KUBE_API';
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.kubeStatus === 404;
}

/** The API groups of one call, built for it (its signal and content type are in their middleware). */
export interface KubeApis {
  readonly core: CoreV1Api;
  readonly certificates: CertificatesV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly coordination: CoordinationV1Api;
  readonly storage: StorageV1Api;
  readonly objects: KubernetesObjectApi;
}

export class KubeClient {
  readonly config: KubeConfig;

  constructor(readonly credentials: KubeCredentials) {
    const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
    this.config = new KubeConfig();
    this.config.loadFromOptions({
      clusters: [{ name: 'cluster', server: credentials.server, caData: b64(credentials.caPem) }],
      users: [
        { name: 'admin', certData: b64(credentials.certPem), keyData: b64(credentials.keyPem) },
      ],
      contexts: [{ name: 'admin', cluster: 'cluster', user: 'admin' }],
      currentContext: 'admin',
    });
  }

  get server(): string {
    return this.credentials.server;
  }

  /**
   * Runs one library call on API groups built for it, whose requests carry its abort signal
   * (timeout and caller's) and, for a patch, its content type. `what` names the call in errors,
   * e.g. `cordon node n1`.
   */
  async call<T>(
    what: string,
    fn: (apis: KubeApis) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    try {
      return await fn(this.#apis(this.#signal(options), options.patch));
    } catch (err) {
      throw this.#mapError(err, what);
    }
  }

  /** As `call`, but a 404 resolves to undefined. */
  async find<T>(
    what: string,
    fn: (apis: KubeApis) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T | undefined> {
    try {
      return await this.call(what, fn, options);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  #apis(signal: AbortSignal, patch: PatchStrategy | undefined): KubeApis {
    // As KubeConfig.makeApiClient builds them, plus a middleware for this call: the object API
    // reads middleware only from its configuration, never per call.
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.credentials.server, {}),
      authMethods: { default: this.config },
      middleware: [
        {
          pre: (context: RequestContext) => {
            context.setSignal(signal);
            if (patch !== undefined) context.setHeaderParam('Content-Type', patch);
            return new Observable(Promise.resolve(context));
          },
          post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
        },
      ],
    });
    let objects: KubernetesObjectApi | undefined;
    return {
      core: new CoreV1Api(configuration),
      certificates: new CertificatesV1Api(configuration),
      discovery: new DiscoveryV1Api(configuration),
      coordination: new CoordinationV1Api(configuration),
      storage: new StorageV1Api(configuration),
      get objects() {
        return (objects ??= new KubernetesObjectApi(configuration));
      },
    };
  }

  /**
   * GET of a path outside the resource API (`/readyz?verbose`, whose failures are plain text):
   * status and body whatever the status. Throws only when the server cannot be reached.
   */
  async raw(path: string, options: CallOptions = {}): Promise<RawResponse> {
    const url = new URL(path, this.credentials.server).toString();
    const context = new RequestContext(url, 'GET' as never);
    await this.config.applySecurityAuthentication(context);
    try {
      const response = await fetch(url, {
        headers: context.getHeaders(),
        dispatcher: context.getDispatcher() as never,
        signal: this.#signal(options),
      });
      return { status: response.status, text: await response.text() };
    } catch (err) {
      throw this.#unreachable(err);
    }
  }

  /**
   * A server-side apply of `object` at `path` with the object's JSON sent as is: for kinds whose
   * typed client model would drop fields on the way out (a CRD's `x-kubernetes-*` schema keys,
   * which the generated model only knows by their camelCase names).
   * @throws KubeApiError for an answer other than 2xx, BERTH_ERR_UNAVAILABLE when unreachable
   */
  async applyJson(
    path: string,
    object: unknown,
    fieldManager: string,
    options: CallOptions = {},
  ): Promise<void> {
    const query = new URLSearchParams({ fieldManager, force: 'true' });
    const url = new URL(`${path}?${query.toString()}`, this.credentials.server).toString();
    const context = new RequestContext(url, 'PATCH' as never);
    await this.config.applySecurityAuthentication(context);
    let response;
    try {
      response = await fetch(url, {
        method: 'PATCH',
        headers: { ...context.getHeaders(), 'Content-Type': PatchStrategy.ServerSideApply },
        body: JSON.stringify(object),
        dispatcher: context.getDispatcher() as never,
        signal: this.#signal(options),
      });
    } catch (err) {
      throw this.#unreachable(err);
    }
    const text = await response.text();
    if (response.status >= 300) {
      const body = parseBody(text);
      throw new KubeApiError(
        response.status,
        body.reason ?? '',
        `apply ${path}: ${response.status} ${body.message ?? ''}`.trim(),
      );
    }
  }

  #signal(options: CallOptions): AbortSignal {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  }

  #mapError(err: unknown, what: string): Error {
    if (err instanceof ApiException) {
      const body = parseBody(err.body);
      return new KubeApiError(
        err.code,
        body.reason ?? '',
        `${what}: ${err.code} ${body.message ?? ''}`.trim(),
      );
    }
    return this.#unreachable(err);
  }

  #unreachable(err: unknown): BerthError {
    const e = err as { name?: string; code?: string; cause?: { code?: string }; message?: string };
    const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError';
    const why = timedOut ? 'timed out' : (e.cause?.code ?? e.code ?? e.message ?? String(err));
    return new BerthError(
      'BERTH_ERR_UNAVAILABLE',
      `the Kubernetes API at ${this.credentials.server} does not answer (${why})`,
      { details: { server: this.credentials.server } },
    );
  }
}

function parseBody(body: unknown): { reason?: string; message?: string } {
  if (typeof body === 'object' && body !== null) return body as { reason?: string };
  if (typeof body !== 'string') return {};
  try {
    return JSON.parse(body) as { reason?: string; message?: string };
  } catch {
    return { message: body.slice(0, 200) };
  }
}

export { PatchStrategy };

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
