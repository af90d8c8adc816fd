/**
 * TLS for Berth's own API. Passwords and tokens cross it, so it is HTTPS unless asked otherwise:
 *
 * - `--tls-cert FILE --tls-key FILE` (or BERTH_TLS_CERT / BERTH_TLS_KEY): serve HTTPS with them.
 * - By default (`auto`; `--tls`, BERTH_TLS=auto say so explicitly): HTTPS with a certificate from
 *   Berth's API CA — made on the first start, sealed in the store's secrets with the server's
 *   secret key (owner `berth-api`, like the registry CA), so restarts and replicas keep it — for
 *   the listen address, loopback, `localhost` and BERTH_API_HOSTS (comma-separated names or
 *   addresses clients use). The CA certificate is written to `<data-dir>/api-ca.crt` for
 *   `berth login --ca-file`, and sent after the serving certificate in the handshake so
 *   `berth login` can offer it for trust on first use (its fingerprint checked, never blindly).
 * - Plain HTTP only when asked for (`--insecure-http`, BERTH_INSECURE_HTTP=true) and only on a
 *   loopback address: test harnesses and benchmarks on one host.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { BerthError } from '@berth/errors';
import {
  createCertificateAuthority,
  issueCertificate,
  loadSecretKey,
  SealedSecretStore,
  type SealedSecretBackend,
} from '@berth/kube-bootstrap';

export type ApiTlsOption = { certFile: string; keyFile: string } | 'auto';

export interface ApiTls {
  certPem: string;
  keyPem: string;
  /** Berth's API CA (auto); undefined for an operator's certificate. */
  caPem?: string;
}

export const API_CA_FILE = 'api-ca.crt';
const OWNER = 'berth-api';

/** The TLS setting from BERTH_TLS_CERT/BERTH_TLS_KEY or BERTH_TLS=auto; undefined: not set. */
export function apiTlsFromEnv(env: NodeJS.ProcessEnv): ApiTlsOption | undefined {
  if (env.BERTH_TLS_CERT || env.BERTH_TLS_KEY) {
    if (!env.BERTH_TLS_CERT || !env.BERTH_TLS_KEY)
      throw new BerthError('BERTH_ERR_VALIDATION', 'BERTH_TLS_CERT and BERTH_TLS_KEY go together', {
        field: env.BERTH_TLS_CERT ? 'BERTH_TLS_KEY' : 'BERTH_TLS_CERT',
      });
    return { certFile: env.BERTH_TLS_CERT, keyFile: env.BERTH_TLS_KEY };
  }
  return env.BERTH_TLS === 'auto' ? 'auto' : undefined;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * What the API serves: the TLS setting given (or `auto`), or `undefined` for plain HTTP when
 * `insecureHttp` asks for it. Throws BERTH_ERR_VALIDATION for plain HTTP off loopback (passwords
 * and tokens would cross the network in clear) and for plain HTTP together with a TLS setting.
 */
export function chooseApiTls(input: {
  host: string;
  tls: ApiTlsOption | undefined;
  insecureHttp: boolean;
}): ApiTlsOption | undefined {
  if (!input.insecureHttp) return input.tls ?? 'auto';
  if (input.tls !== undefined)
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      '--insecure-http serves plain HTTP; do not give --tls, --tls-cert/--tls-key (or BERTH_TLS*) with it',
      { field: 'insecure-http' },
    );
  if (!isLoopback(input.host))
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `plain HTTP (--insecure-http) is served only on loopback, not on ${input.host}: passwords and tokens would cross the network in clear; leave it out to serve HTTPS`,
      { field: 'listen' },
    );
  return undefined;
}

/** `sha256:` and the hex SHA-256 of a certificate's DER, as `berth login --ca-fingerprint` takes it. */
export function certificateFingerprint(pem: string): string {
  return `sha256:${new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase()}`;
}

export async function loadApiTls(input: {
  option: ApiTlsOption;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  backend: SealedSecretBackend;
  listenHost: string;
}): Promise<ApiTls> {
  const { option } = input;
  if (option !== 'auto') {
    const read = (file: string, field: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (err) {
        throw new BerthError(
          'BERTH_ERR_VALIDATION',
          `cannot read ${file}: ${(err as Error).message}`,
          {
            field,
          },
        );
      }
    };
    return { certPem: read(option.certFile, 'tls-cert'), keyPem: read(option.keyFile, 'tls-key') };
  }
  const secrets = new SealedSecretStore({
    backend: input.backend,
    key: await loadSecretKey({ dataDir: input.dataDir, env: input.env }),
  });
  let caCert = await secrets.get(OWNER, 'ca.crt');
  let caKey = await secrets.get(OWNER, 'ca.key');
  if (caCert === undefined || caKey === undefined) {
    const made = await createCertificateAuthority({ commonName: 'berth-api-ca' });
    await secrets.put(OWNER, 'ca.crt', made.certPem);
    await secrets.put(OWNER, 'ca.key', made.keyPem);
    [caCert, caKey] = [made.certPem, made.keyPem];
  }
  const names = [
    input.listenHost,
    '127.0.0.1',
    'localhost',
    ...(input.env.BERTH_API_HOSTS ?? '').split(',').map((h) => h.trim()),
  ].filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::');
  const unique = [...new Set(names)];
  const serving = await issueCertificate({
    ca: { certPem: caCert, keyPem: caKey },
    commonName: 'berth-api',
    usage: 'server',
    ipAddresses: unique.filter((h) => isIP(h) !== 0),
    dnsNames: unique.filter((h) => isIP(h) === 0),
  });
  writeFileSync(path.join(input.dataDir, API_CA_FILE), caCert, { mode: 0o644 });
  // The chain ends with the CA, so a client that does not trust it yet can see what to pin.
  return {
    certPem: `${serving.certPem.trimEnd()}\n${caCert}`,
    keyPem: serving.keyPem,
    caPem: caCert,
  };
}
