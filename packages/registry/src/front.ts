/**
 * Berth's TLS front of the registry: an HTTPS server per listen address that proxies `/v2/…` to
 * the registry's unix socket and answers the token endpoint itself. TLS ends here with the
 * certificate from Berth's registry CA. It also serves the public documents it is given (Berth's
 * OIDC discovery and JWKS for clusters' API servers). Client-sent `X-Forwarded-*` headers are dropped and
 * `X-Forwarded-Proto: https` set, so the registry's autoredirect realm is `https://<Host>/…`.
 *
 * An address that is not (yet) on the host — the local provider's external bridge exists only
 * while some router has a gateway — is retried every `retryMs` until it binds; once bound, the
 * socket keeps listening even if the bridge goes and comes back.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { RegistryTokenService } from './token-service.js';

export interface FrontLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RegistryFrontOptions {
  certPem: string;
  /** A secret. */
  keyPem: string;
  upstreamSocket: string;
  tokens: RegistryTokenService;
  tokenPath: string;
  logger: FrontLogger;
  /** How often an address not on the host is tried again; default 2 s. */
  retryMs?: number;
  /**
   * Public JSON documents served on GET beside the registry (Berth's OIDC discovery and JWKS for
   * clusters' API servers, which reach this address as nodes do); undefined: not a document.
   */
  documents?: (pathname: string) => Promise<string | undefined>;
  /**
   * POSTed deliveries beside the registry (clusters' audit events to Berth): answers the status,
   * or undefined when the path is not one it takes. Bodies up to `maxReceiveBytes` (default 8 MiB).
   */
  receive?: (delivery: {
    pathname: string;
    authorization: string | undefined;
    body: string;
  }) => Promise<number | undefined>;
  maxReceiveBytes?: number;
}

export interface ListenAddress {
  host: string;
  port: number;
  /** Keep trying while the address is not on the host (EADDRNOTAVAIL) instead of failing. */
  whenAvailable?: boolean;
}

const MAX_FORM_BYTES = 16 * 1024;

export class RegistryFront {
  readonly #options: RegistryFrontOptions;
  readonly #servers: https.Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: RegistryFrontOptions) {
    this.#options = options;
  }

  /** Resolves once bound; for `whenAvailable`, at once (binding goes on in the background). */
  async listen(address: ListenAddress): Promise<void> {
    const server = https.createServer(
      { cert: this.#options.certPem, key: this.#options.keyPem },
      (req, res) => void this.#handle(req, res),
    );
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    this.#servers.push(server);
    if (!address.whenAvailable) return bind(server, address);
    const attempt = (): void => {
      if (this.#closed) return;
      bind(server, address).then(
        () =>
          this.#options.logger.info(
            { host: address.host, port: address.port },
            'registry front listening',
          ),
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EADDRNOTAVAIL')
            this.#options.logger.warn({ err, host: address.host }, 'registry front cannot listen');
          const timer = setTimeout(() => {
            this.#timers.delete(timer);
            attempt();
          }, this.#options.retryMs ?? 2000);
          this.#timers.add(timer);
        },
      );
    };
    attempt();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.all(
      this.#servers.map(
        (s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())),
      ),
    );
    for (const socket of this.#sockets) socket.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://registry');
    try {
      if (url.pathname === this.#options.tokenPath) return await this.#token(req, res, url);
      if (url.pathname === '/v2' || url.pathname.startsWith('/v2/')) return this.#proxy(req, res);
      if (req.method === 'POST' && this.#options.receive && (await this.#receive(req, res, url)))
        return;
      const document =
        req.method === 'GET' ? await this.#options.documents?.(url.pathname) : undefined;
      if (document !== undefined) return sendText(res, 200, document);
      send(res, 404, {}, { errors: [{ code: 'NOT_FOUND', message: 'not a registry path' }] });
    } catch (err) {
      this.#options.logger.warn({ err, path: url.pathname }, 'registry front request failed');
      if (!res.headersSent)
        send(res, 500, {}, { errors: [{ code: 'UNKNOWN', message: 'internal error' }] });
      else res.destroy();
    }
  }

  async #receive(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const limit = this.#options.maxReceiveBytes ?? 8 * 1024 * 1024;
    const body = await readBody(req, limit).catch(() => undefined);
    if (body === undefined) {
      send(res, 413, {}, {});
      return true;
    }
    const status = await this.#options.receive!({
      pathname: url.pathname,
      authorization: req.headers.authorization,
      body,
    });
    if (status === undefined) return false;
    send(res, status, {}, {});
    return true;
  }

  async #token(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST')
      return send(res, 405, { allow: 'GET, POST' }, {});
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : undefined;
    const reply = await this.#options.tokens.handle({
      method: req.method,
      authorization: req.headers.authorization,
      query: url.searchParams,
      ...(form === undefined ? {} : { form }),
    });
    send(res, reply.status, reply.headers, reply.body);
  }

  #proxy(req: IncomingMessage, res: ServerResponse): void {
    const headers = { ...req.headers };
    for (const name of Object.keys(headers))
      if (name.startsWith('x-forwarded-')) delete headers[name];
    headers['x-forwarded-proto'] = 'https';
    let answered = false;
    const upstream = http.request(
      { socketPath: this.#options.upstreamSocket, method: req.method, path: req.url, headers },
      (up) => {
        answered = true;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      // The registry may answer before it has read a request body (a 401 challenge to an
      // upload, a blob it already has) and close its side: the rest of the body then fails to
      // write (EPIPE). Its answer stands; the body is drained, not relayed.
      if (answered) {
        req.unpipe(upstream);
        req.resume();
        return;
      }
      this.#options.logger.warn({ err }, 'registry upstream failed');
      if (!res.headersSent)
        send(
          res,
          503,
          { 'retry-after': '1' },
          { errors: [{ code: 'UNAVAILABLE', message: 'the registry is starting or restarting' }] },
        );
      else res.destroy();
    });
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  }
}

function bind(server: https.Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(address.port, address.host);
  });
}

function readBody(req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
  res.end(json);
}
