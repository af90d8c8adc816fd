/**
 * Berth as the JWT issuer that clusters' API servers trust for people (structured
 * AuthenticationConfiguration, `jwt[].issuer`): short-lived ES256 tokens whose audience is one
 * cluster, whose `sub` is the directory user and whose `groups` are their directory groups. The
 * API server fetches `<issuer>/.well-known/openid-configuration` and the JWKS it names; both are
 * plain documents rendered here. The signing key is the caller's (kept sealed in the store).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';

export const CLUSTER_TOKEN_ALG = 'ES256';
/** Default lifetime of a cluster token: a removed group stops working within it. */
export const DEFAULT_CLUSTER_TOKEN_TTL_MS = 5 * 60_000;

/** The audience a cluster's API server accepts: one cluster, never another. */
export function clusterAudience(clusterUid: string): string {
  return `berth:cluster:${clusterUid}`;
}

/** A new P-256 private key (PKCS#8 PEM). A secret. */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface ClusterToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export class ClusterTokenIssuer {
  readonly issuerUrl: string;
  readonly #privateKeyPem: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #jwk: Promise<JWK & { kid: string }> | undefined;

  constructor(options: {
    /** `https://…`, no trailing slash: the `iss` claim and where discovery is served. */
    issuerUrl: string;
    privateKeyPem: string;
    ttlMs?: number;
    now?: () => number;
  }) {
    if (!/^https:\/\/[^\s]+[^/]$/.test(options.issuerUrl))
      throw new Error(`issuer must be an https URL without a trailing slash: ${options.issuerUrl}`);
    this.issuerUrl = options.issuerUrl;
    this.#privateKeyPem = options.privateKeyPem;
    this.#ttlMs = options.ttlMs ?? DEFAULT_CLUSTER_TOKEN_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** A token for `username` with `groups` that only the cluster `clusterUid` accepts. */
  async mint(input: {
    clusterUid: string;
    username: string;
    groups: string[];
  }): Promise<ClusterToken> {
    const jwk = await this.publicJwk();
    const now = this.#now();
    const expiresAt = now + this.#ttlMs;
    const token = await new SignJWT({ groups: input.groups })
      .setProtectedHeader({ alg: CLUSTER_TOKEN_ALG, kid: jwk.kid, typ: 'JWT' })
      .setIssuer(this.issuerUrl)
      .setAudience(clusterAudience(input.clusterUid))
      .setSubject(input.username)
      .setIssuedAt(Math.floor(now / 1000))
      .setNotBefore(Math.floor(now / 1000) - 30)
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .setJti(randomUUID())
      .sign(createPrivateKey(this.#privateKeyPem));
    return { token, expiresAt: Math.floor(expiresAt / 1000) * 1000 };
  }

  /** The public key as a JWK with `kid` (its RFC 7638 thumbprint), `use: sig`, `alg`. */
  publicJwk(): Promise<JWK & { kid: string }> {
    this.#jwk ??= (async () => {
      const jwk = await exportJWK(createPublicKey(this.#privateKeyPem));
      const kid = await calculateJwkThumbprint(jwk);
      return { ...jwk, kid, use: 'sig', alg: CLUSTER_TOKEN_ALG };
    })();
    return this.#jwk;
  }

  /** `GET <issuer>/jwks`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [await this.publicJwk()] };
  }

  /** `GET <issuer>/.well-known/openid-configuration` (the fields API servers read). */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuerUrl,
      jwks_uri: `${this.issuerUrl}/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [CLUSTER_TOKEN_ALG],
      claims_supported: ['sub', 'groups', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti'],
    };
  }

  /**
   * The documents served under the issuer URL's path, by request path (`/oidc/jwks` …); undefined
   * for any other path.
   */
  async document(pathname: string): Promise<string | undefined> {
    const base = new URL(this.issuerUrl).pathname.replace(/\/$/, '');
    if (pathname === `${base}/.well-known/openid-configuration`)
      return JSON.stringify(this.discovery());
    if (pathname === `${base}/jwks`) return JSON.stringify(await this.jwks());
    return undefined;
  }
}
