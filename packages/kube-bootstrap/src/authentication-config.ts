/**
 * kube-apiserver's structured authentication configuration (`--authentication-config`,
 * `apiserver.config.k8s.io/v1beta1`, served by 1.30+): one JWT authenticator for Berth's
 * directory users, as a pure function (golden tested).
 *
 * - The issuer is Berth (`https://<gateway>:<port>/oidc`), trusted by the CA given here; the
 *   audience is this cluster alone, so a token minted for one cluster opens no other.
 * - `sub` is the user name and `groups` the directory groups, both without prefix so that
 *   RoleBindings name them as the directory does (`kind: Group, name: devs`).
 * - Names in Kubernetes' reserved `system:` space are refused (claim validation) or dropped
 *   (groups), whatever the token says: a directory group can never become `system:masters`.
 */

export interface AuthenticationConfigInput {
  /** The `iss` Berth signs with, e.g. `https://198.18.0.1:5000/oidc`. */
  issuerUrl: string;
  /** Only tokens for this audience are accepted (`berth:cluster:<uid>`). */
  audience: string;
  /** PEM of the CA that signed the issuer's serving certificate. */
  caPem: string;
}

export function renderAuthenticationConfig(input: AuthenticationConfigInput): string {
  if (!/^https:\/\/\S+$/.test(input.issuerUrl))
    throw new Error(`issuer must be an https URL: ${input.issuerUrl}`);
  const q = (s: string) => JSON.stringify(s);
  const ca = input.caPem
    .trimEnd()
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n');
  return [
    'apiVersion: apiserver.config.k8s.io/v1beta1',
    'kind: AuthenticationConfiguration',
    'jwt:',
    '- issuer:',
    `    url: ${q(input.issuerUrl)}`,
    '    audiences:',
    `    - ${q(input.audience)}`,
    '    audienceMatchPolicy: MatchAny',
    '    certificateAuthority: |',
    ca,
    '  claimValidationRules:',
    `  - expression: ${q("has(claims.sub) && claims.sub != '' && !claims.sub.startsWith('system:')")}`,
    `    message: ${q('the user name is empty or in the reserved system: space')}`,
    '  claimMappings:',
    '    username:',
    `      expression: ${q('claims.sub')}`,
    '    groups:',
    `      expression: ${q("has(claims.groups) ? dyn(claims.groups).filter(g, !string(g).startsWith('system:')) : []")}`,
    '    uid:',
    `      expression: ${q("'berth:' + claims.sub")}`,
    '',
  ].join('\n');
}
