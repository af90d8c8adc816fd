/**
 * The distribution registry's configuration as a pure function (golden-tested). The registry
 * listens only on a unix socket in its data dir: Berth's TLS front is the one way in. Token
 * authentication with `autoredirect`: the challenge's realm is `https://<Host>/auth/token`, the
 * address the client used — so a client on the host (loopback) and a node (external network)
 * are each sent to a token endpoint they can reach, which the same front serves.
 */
export interface RegistryConfigInput {
  /** Where blobs and manifests live. */
  rootDirectory: string;
  socketPath: string;
  /** The `aud` of tokens: both sides must agree. */
  service: string;
  /** The `iss` of tokens. */
  issuer: string;
  /** PEM file holding the token-signing certificate. */
  rootCertBundle: string;
  tokenPath: string;
  /** Signs upload state; a secret. */
  httpSecret: string;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export function renderRegistryConfig(input: RegistryConfigInput): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    'version: 0.1',
    'log:',
    `  level: ${input.logLevel ?? 'info'}`,
    '  formatter: json',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(input.rootDirectory)}`,
    '  delete:',
    '    enabled: false',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: true',
    '      age: 168h',
    '      interval: 24h',
    '      dryrun: false',
    'http:',
    '  net: unix',
    `  addr: ${q(input.socketPath)}`,
    `  secret: ${q(input.httpSecret)}`,
    '  relativeurls: true',
    '  draintimeout: 5s',
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    'auth:',
    '  token:',
    // Required by distribution even with autoredirect, which replaces it in every challenge.
    `    realm: ${q(`https://registry.invalid${input.tokenPath}`)}`,
    '    autoredirect: true',
    `    autoredirectpath: ${q(input.tokenPath)}`,
    `    service: ${q(input.service)}`,
    `    issuer: ${q(input.issuer)}`,
    `    rootcertbundle: ${q(input.rootCertBundle)}`,
    '    signingalgorithms: [ES256]',
    'health:',
    '  storagedriver:',
    '    enabled: true',
    '    interval: 10s',
    '    threshold: 3',
    '',
  ].join('\n');
}
