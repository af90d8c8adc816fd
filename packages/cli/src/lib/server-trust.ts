/**
 * Trust on first use for `berth login`: whether an https endpoint's certificate is trusted (by
 * the CA given, or the system's), and if not, the CA certificate the server offers at the end of
 * its handshake (`berth server` sends its API CA there) with its SHA-256 fingerprint — so the
 * user can compare it with the one `berth server` printed before it is pinned.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls, { type DetailedPeerCertificate } from 'node:tls';
import { UsageError } from './exit.js';

export interface OfferedCa {
  pem: string;
  /** `sha256:` and 64 lowercase hex digits. */
  fingerprint: string;
  subject: string;
}

export type ServerTrust =
  { trusted: true } | { trusted: false; reason: string; offered: OfferedCa | undefined };

/** `sha256:` and the hex SHA-256 of the certificate's DER (the form `berth server` prints). */
export function fingerprintOf(pem: string): string {
  return `sha256:${new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase()}`;
}

/**
 * `--ca-fingerprint` in the canonical form; `sha256:` followed by 64 hex digits, colons between
 * byte pairs allowed (as openssl prints them). Throws UsageError otherwise.
 */
export function parseFingerprint(text: string): string {
  const match = /^sha256:((?:[0-9a-f]{2}:?){31}[0-9a-f]{2})$/i.exec(text.trim());
  if (!match)
    throw new UsageError(
      `--ca-fingerprint must be sha256: and 64 hex digits (as berth server prints it), not "${text}"`,
    );
  return `sha256:${match[1]!.replaceAll(':', '').toLowerCase()}`;
}

function toPem(raw: Buffer): string {
  const lines = raw.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The last certificate of the chain the server sent, when it signs itself (a root CA). */
function offeredRoot(leaf: DetailedPeerCertificate): OfferedCa | undefined {
  let top = leaf;
  for (let i = 0; i < 10 && top.issuerCertificate && top.issuerCertificate !== top; i++)
    top = top.issuerCertificate;
  if (top === leaf || !top.raw) return undefined;
  const cert = new X509Certificate(top.raw);
  if (cert.subject !== cert.issuer || !cert.checkIssued(cert)) return undefined;
  const pem = toPem(top.raw);
  return { pem, fingerprint: fingerprintOf(pem), subject: cert.subject.replaceAll('\n', ', ') };
}

/**
 * Connects to `endpoint` (https) and reports whether its certificate verifies against `caPem`
 * (the system's CAs when undefined) for the endpoint's host name. Resolves `undefined` when the
 * server cannot be reached at all: the API call that follows reports that in the usual way.
 */
export function checkServerTrust(
  endpoint: string,
  caPem: string | undefined,
  timeoutMs = 10_000,
): Promise<ServerTrust | undefined> {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(caPem === undefined ? {} : { ca: caPem }),
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timed out')));
    socket.once('error', () => resolve(undefined));
    socket.once('secureConnect', () => {
      let identityError: Error | undefined;
      const peer = socket.getPeerCertificate(true);
      if (socket.authorized) identityError = tls.checkServerIdentity(host, peer);
      const trust: ServerTrust =
        socket.authorized && identityError === undefined
          ? { trusted: true }
          : {
              trusted: false,
              reason: String(identityError?.message ?? socket.authorizationError),
              offered: offeredRoot(peer),
            };
      socket.end();
      resolve(trust);
    });
  });
}
