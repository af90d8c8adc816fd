/**
 * Registry tokens: JWTs signed with ES256 whose `x5c` header carries the signing certificate,
 * which the registry checks against its `rootcertbundle` (distribution's
 * registry/auth/token/token.go, `VerifySigningKey`). Claims follow the token spec: `iss`, `sub`,
 * `aud` (the registry's service name), `exp`/`nbf`/`iat`, `jti` and `access`.
 */
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { GrantedAccess } from './access.js';

export interface TokenSigner {
  certPem: string;
  /** PKCS#8 PEM of an EC P-256 key. A secret. */
  keyPem: string;
}

export interface RegistryClaims {
  issuer: string;
  service: string;
  subject: string;
  access: readonly GrantedAccess[];
  now: Date;
  ttlSeconds: number;
}

export function signRegistryToken(signer: TokenSigner, claims: RegistryClaims): string {
  const iat = Math.floor(claims.now.getTime() / 1000);
  const header = { alg: 'ES256', typ: 'JWT', x5c: [pemBody(signer.certPem)] };
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.service,
    exp: iat + claims.ttlSeconds,
    // A little slack for registries whose clock runs behind (distribution adds 60 s itself).
    nbf: iat - 10,
    iat,
    jti: randomBytes(12).toString('hex'),
    access: claims.access,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: createPrivateKey(signer.keyPem),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

/** The claims of a token, unverified (for tests and logs of what was granted). */
export function decodeRegistryToken(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >,
    payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >,
  };
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The base64 DER of the first certificate in a PEM text (x5c holds standard base64). */
function pemBody(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('the token signer has no certificate');
  return match[1]!.replace(/\s+/g, '');
}
