import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { clusterDnsObjects, renderCorefile } from './cluster-dns.js';
import { assertGolden } from './testing/golden.js';

test('cluster DNS golden: CoreDNS, its RBAC, Corefile and kube-dns at the given address', () => {
  const objects = clusterDnsObjects({
    image: '198.18.0.1:5000/berth/coredns:v1.14.7',
    clusterIp: '10.254.0.10',
    clusterDomain: 'cluster.local',
    replicas: 2,
  });
  assertGolden('cluster-dns', objects.map((o) => stringify(o)).join('---\n'));
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'ServiceAccount/coredns',
      'ClusterRole/system:coredns',
      'ClusterRoleBinding/system:coredns',
      'ConfigMap/coredns',
      'Deployment/coredns',
      'PodDisruptionBudget/coredns',
      'Service/kube-dns',
    ],
  );
});

test('the Corefile serves the cluster domain it is given and forwards nowhere', () => {
  const corefile = renderCorefile('example.internal');
  assert.match(corefile, /kubernetes example\.internal in-addr\.arpa ip6\.arpa/);
  assert.doesNotMatch(corefile, /forward/);
});
