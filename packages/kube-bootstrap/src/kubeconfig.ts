/**
 * Renders a kubeconfig that authenticates with a client certificate, with the credentials
 * embedded (`*-data`) so the file stands alone. Values are written as JSON strings, which are
 * valid YAML double-quoted scalars: no name or URL can break the document.
 */
export interface ClientCertKubeconfigInput {
  clusterName: string;
  userName: string;
  /** e.g. `https://127.0.0.1:6443`. */
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

export function renderClientCertKubeconfig(input: ClientCertKubeconfigInput): string {
  if (!/^https:\/\/\S+$/.test(input.server))
    throw new Error(`server must be an https URL: ${input.server}`);
  const q = (s: string) => JSON.stringify(s);
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  const context = `${input.userName}@${input.clusterName}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(input.clusterName)}`,
    '  cluster:',
    `    server: ${q(input.server)}`,
    `    certificate-authority-data: ${b64(input.caPem)}`,
    'users:',
    `- name: ${q(input.userName)}`,
    '  user:',
    `    client-certificate-data: ${b64(input.certPem)}`,
    `    client-key-data: ${b64(input.keyPem)}`,
    'contexts:',
    `- name: ${q(context)}`,
    '  context:',
    `    cluster: ${q(input.clusterName)}`,
    `    user: ${q(input.userName)}`,
    `current-context: ${q(context)}`,
    '',
  ].join('\n');
}

/**
 * A kubeconfig for a person: no client certificate and no CA key, only the cluster's CA
 * certificate and an exec credential plugin (client.authentication.k8s.io/v1) that fetches a
 * short-lived token for this user and cluster from Berth (`berth kubectl-credentials …`).
 */
export interface ExecKubeconfigInput {
  clusterName: string;
  userName: string;
  server: string;
  caPem: string;
  exec: { command: string; args: string[]; env?: Record<string, string> };
}

export function renderExecKubeconfig(input: ExecKubeconfigInput): string {
  if (!/^https:\/\/\S+$/.test(input.server))
    throw new Error(`server must be an https URL: ${input.server}`);
  const q = (s: string) => JSON.stringify(s);
  const context = `${input.userName}@${input.clusterName}`;
  const env = Object.entries(input.exec.env ?? {});
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(input.clusterName)}`,
    '  cluster:',
    `    server: ${q(input.server)}`,
    `    certificate-authority-data: ${Buffer.from(input.caPem).toString('base64')}`,
    'users:',
    `- name: ${q(input.userName)}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1',
    `      command: ${q(input.exec.command)}`,
    '      args:',
    ...input.exec.args.map((a) => `      - ${q(a)}`),
    ...(env.length === 0
      ? []
      : [
          '      env:',
          ...env.flatMap(([name, value]) => [
            `      - name: ${q(name)}`,
            `        value: ${q(value)}`,
          ]),
        ]),
    '      interactiveMode: Never',
    '      provideClusterInfo: false',
    'contexts:',
    `- name: ${q(context)}`,
    '  context:',
    `    cluster: ${q(input.clusterName)}`,
    `    user: ${q(input.userName)}`,
    `current-context: ${q(context)}`,
    '',
  ].join('\n');
}

/**
 * A kubeconfig for a webhook the API server calls (the audit webhook to Berth): a server it
 * verifies with `caPem` and a bearer token it sends. Holds a secret: mode 0600.
 */
export function renderTokenKubeconfig(input: {
  name: string;
  server: string;
  caPem: string;
  token: string;
}): string {
  if (!/^https:\/\/\S+$/.test(input.server))
    throw new Error(`server must be an https URL: ${input.server}`);
  const q = (s: string) => JSON.stringify(s);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(input.name)}`,
    '  cluster:',
    `    server: ${q(input.server)}`,
    `    certificate-authority-data: ${Buffer.from(input.caPem).toString('base64')}`,
    'users:',
    `- name: ${q(input.name)}`,
    '  user:',
    `    token: ${q(input.token)}`,
    'contexts:',
    `- name: ${q(input.name)}`,
    '  context:',
    `    cluster: ${q(input.name)}`,
    `    user: ${q(input.name)}`,
    `current-context: ${q(input.name)}`,
    '',
  ].join('\n');
}
