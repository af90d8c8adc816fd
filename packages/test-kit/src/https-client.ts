/**
 * Requests to a Berth server that serves HTTPS with its own API CA, as its tests make them: the
 * server verified against that CA (and only it) — never an unverified connection — and the CA's
 * public-key pin for browsers (Chromium's `--ignore-certificate-errors-spki-list` accepts a chain
 * only when one of its certificates has that key, so a headless browser trusts exactly that CA).
 */
import { createHash, X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

export interface SimpleResponse {
  status: number;
  text: string;
}

/**
 * One request; `caPem` is the CA an https URL's certificate must chain to (ignored for http).
 * Rejects when the connection fails or the certificate does not verify.
 */
export function requestText(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; caPem?: string } = {},
): Promise<SimpleResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        ...(target.protocol === 'https:' && init.caPem ? { ca: init.caPem } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (the form Chromium's pin list takes). */
export function spkiPin(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}
