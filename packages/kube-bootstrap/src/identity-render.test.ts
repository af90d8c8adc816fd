import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT_POLICY, auditLogArgs } from './audit-policy.js';
import { renderAuthenticationConfig } from './authentication-config.js';
import { renderExecKubeconfig } from './kubeconfig.js';
import { assertGolden } from './testing/golden.js';

test('authentication config golden: Berth as JWT issuer for one cluster, system: refused', () => {
  const text = renderAuthenticationConfig({
    issuerUrl: 'https://198.18.0.1:5000/oidc',
    audience: 'berth:cluster:0b1c',
    caPem: '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n',
  });
  assertGolden('authentication-config', text);
  assert.throws(
    () => renderAuthenticationConfig({ issuerUrl: 'http://x', audience: 'a', caPem: '' }),
    /https URL/,
  );
});

test('user kubeconfig golden: exec credential plugin, no client certificate, no key', () => {
  const text = renderExecKubeconfig({
    clusterName: 'web',
    userName: 'alice',
    server: 'https://198.18.0.5:6443',
    caPem: 'CA',
    exec: {
      command: 'berth',
      args: ['kubectl-credentials', '--endpoint', 'http://127.0.0.1:8080', '-p', 'team-a', 'web'],
      env: { BERTH_CONFIG: '/home/alice/.config/berth/config.yaml' },
    },
  });
  assertGolden('user-kubeconfig', text);
  assert.doesNotMatch(text, /client-key|client-certificate|token:/);
});

test('audit policy and log flags golden', () => {
  assertGolden(
    'audit-policy',
    `${AUDIT_POLICY}---\n${auditLogArgs({ policyFile: 'etc/kubernetes/audit-policy.yaml', logFile: 'var/log/kubernetes/audit.log' }).join('\n')}\n`,
  );
});
