/**
 * The registry's token endpoint (the Docker registry token spec), served by Berth's TLS front
 * at `/auth/token` on the registry's own address — the realm the registry names — so nodes on
 * the external network reach it as well as clients on the host.
 *
 * - `GET ?service=…&scope=…` with HTTP Basic credentials: the password is a Berth API token
 *   (any username) or a cluster's node pull credential; without credentials the caller is
 *   anonymous (public `berth/*` pull only). Wrong credentials → 401, never a token.
 * - `POST` form `grant_type=password&username&password&scope` (the OAuth2 flow containerd and
 *   Docker try first) answers the same; other grant types → 400, after which those clients use
 *   GET.
 * - The token grants the subset of the requested scopes the matrix in access.ts allows
 *   (possibly none: `docker login` asks for no scope and only needs the 200).
 */
import {
  grantAccess,
  parseScopes,
  type GrantedAccess,
  type RegistryPrincipal,
  type RequestedAccess,
} from './access.js';
import { signRegistryToken, type TokenSigner } from './jwt.js';

export interface TokenServiceOptions {
  signer: TokenSigner;
  issuer: string;
  service: string;
  /** Token lifetime; default 300 s. */
  ttlSeconds?: number;
  /** Resolves credentials; undefined when they are not valid. Never logs the password. */
  authenticate(username: string, password: string): Promise<RegistryPrincipal | undefined>;
  now?: () => Date;
}

export interface TokenHttpRequest {
  method: string;
  authorization?: string | undefined;
  query: URLSearchParams;
  /** The parsed `application/x-www-form-urlencoded` body of a POST. */
  form?: URLSearchParams;
}

export interface TokenHttpReply {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface MintedToken {
  token: string;
  subject: string;
  access: GrantedAccess[];
  expiresIn: number;
  issuedAt: string;
}

export class RegistryTokenService {
  readonly #options: TokenServiceOptions;

  constructor(options: TokenServiceOptions) {
    this.#options = options;
  }

  get service(): string {
    return this.#options.service;
  }

  /** A token for `principal` (undefined: anonymous) with the allowed part of `requested`. */
  mint(
    principal: RegistryPrincipal | undefined,
    requested: readonly RequestedAccess[],
  ): MintedToken {
    const now = (this.#options.now ?? (() => new Date()))();
    const ttlSeconds = this.#options.ttlSeconds ?? 300;
    const access = grantAccess(principal, requested);
    const subject = principal?.subject ?? 'anonymous';
    const token = signRegistryToken(this.#options.signer, {
      issuer: this.#options.issuer,
      service: this.#options.service,
      subject,
      access,
      now,
      ttlSeconds,
    });
    return { token, subject, access, expiresIn: ttlSeconds, issuedAt: now.toISOString() };
  }

  async handle(request: TokenHttpRequest): Promise<TokenHttpReply> {
    const credentials = await this.#credentials(request);
    if (credentials === 'bad-request')
      return error(400, 'unsupported_grant_type', 'use grant_type=password or GET');
    let principal: RegistryPrincipal | undefined;
    if (credentials !== undefined) {
      principal = await this.#options.authenticate(credentials.username, credentials.password);
      if (principal === undefined) return unauthorized();
    }
    const params = request.method === 'POST' && request.form ? request.form : request.query;
    const minted = this.mint(principal, parseScopes(params.getAll('scope')));
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: {
        token: minted.token,
        access_token: minted.token,
        expires_in: minted.expiresIn,
        issued_at: minted.issuedAt,
      },
    };
  }

  async #credentials(
    request: TokenHttpRequest,
  ): Promise<{ username: string; password: string } | undefined | 'bad-request'> {
    if (request.method === 'POST') {
      const form = request.form ?? new URLSearchParams();
      if (form.get('grant_type') !== 'password') return 'bad-request';
      return { username: form.get('username') ?? '', password: form.get('password') ?? '' };
    }
    const header = request.authorization;
    if (header === undefined || header === '') return undefined;
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) return { username: '', password: '' };
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0
      ? { username: decoded, password: '' }
      : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
}

function unauthorized(): TokenHttpReply {
  return {
    ...error(401, 'UNAUTHORIZED', 'the credentials are not a valid Berth token'),
    headers: { 'www-authenticate': 'Basic realm="berth-registry"' },
  };
}

function error(status: number, code: string, message: string): TokenHttpReply {
  return { status, headers: {}, body: { errors: [{ code, message }] } };
}
