import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterAuthorities, MasterCertificates } from './cluster-certs.js';
import { DEFAULT_PORTS } from './layout.js';
import { renderMasterUserData } from './master-user-data.js';
import { nodeSpec } from './node-spec.js';
import { assertGolden, describeUserData, fakePem } from './testing/golden.js';
import { renderWorkerUserData } from './worker-user-data.js';

const authorities: ClusterAuthorities = {
  ca: fakePem('ca'),
  etcdCa: fakePem('etcd-ca'),
  frontProxyCa: fakePem('front-proxy-ca'),
  serviceAccount: { privateKeyPem: 'KEY(sa)\n', publicKeyPem: 'PUB(sa)\n' },
};

const certs: MasterCertificates = {
  apiserver: fakePem('apiserver'),
  apiserverKubeletClient: fakePem('apiserver-kubelet-client'),
  apiserverEtcdClient: fakePem('apiserver-etcd-client'),
  frontProxyClient: fakePem('front-proxy-client'),
  etcdServer: fakePem('etcd-server'),
  etcdPeer: fakePem('etcd-peer'),
  controllerManager: fakePem('controller-manager'),
  scheduler: fakePem('scheduler'),
};

const masters = [0, 1, 2].map((i) => ({ name: `demo-master-${i}`, address: `10.0.0.${10 + i}` }));

test('master user data golden: PKI files, kubeconfigs, the stacked control plane', () => {
  const userData = renderMasterUserData({
    clusterName: 'demo',
    master: masters[1]!,
    masters,
    network: { podsCidr: '10.100.0.0/16', servicesCidr: '10.254.0.0/16' },
    ports: DEFAULT_PORTS,
    binaries: {
      etcd: '/cache/etcd',
      kubeApiserver: '/cache/kube-apiserver',
      kubeControllerManager: '/cache/kube-controller-manager',
      kubeScheduler: '/cache/kube-scheduler',
      node: '/usr/bin/node',
      etcdMemberScript: '/b/etcd-member.js',
    },
    authorities,
    certs,
  });
  assertGolden('master-user-data', describeUserData(userData));
  for (const f of userData.files) {
    const secret = /\.key$|\.conf$/.test(f.path);
    assert.equal(f.mode, secret ? 0o600 : 0o644, `${f.path} mode`);
    assert.ok(f.path.startsWith('/etc/kubernetes/'), f.path);
  }
  for (const s of userData.services) {
    assert.equal(s.workingDir, '/');
    for (const arg of s.command.slice(1)) {
      assert.doesNotMatch(arg, /=\/(?!\/)/, `${s.name}: paths in flags are relative (${arg})`);
    }
  }
});

test('worker user data golden: node identity, node.json, kwok stages, registration then kwok', () => {
  const userData = renderWorkerUserData({
    clusterName: 'demo',
    apiServer: 'https://10.0.0.5:6443',
    podsCidr: '10.100.0.0/16',
    kubeletVersion: 'v1.34.10',
    node: nodeSpec({
      nodeName: 'demo-pool-abcde',
      nodeGroup: 'pool',
      zone: 'az1',
      flavor: { name: 'std-2-4', vcpus: 2, ramMiB: 4096 },
      diskGb: 20,
      labels: { tier: 'web', 'node-role.kubernetes.io/worker': '' },
      taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
    }),
    caPem: 'CERT(ca)\n',
    nodeCert: fakePem('node'),
    binaries: { kwok: '/cache/kwok', node: '/usr/bin/node', registerScript: '/b/register.js' },
  });
  assertGolden('worker-user-data', describeUserData(userData));
  const [register, kwok] = userData.services;
  assert.equal(register?.restart, 'on-failure');
  assert.deepEqual(kwok?.after, ['register-node']);
});

test('master user data with Berth as JWT issuer: the config file and the apiserver flag', () => {
  const userData = renderMasterUserData({
    clusterName: 'demo',
    master: masters[0]!,
    masters,
    network: { podsCidr: '10.100.0.0/16', servicesCidr: '10.254.0.0/16' },
    ports: DEFAULT_PORTS,
    binaries: {
      etcd: '/cache/etcd',
      kubeApiserver: '/cache/kube-apiserver',
      kubeControllerManager: '/cache/kube-controller-manager',
      kubeScheduler: '/cache/kube-scheduler',
      node: '/usr/bin/node',
      etcdMemberScript: '/b/etcd-member.js',
    },
    authorities,
    certs,
    authentication: {
      issuerUrl: 'https://198.18.0.1:5000/oidc',
      audience: 'berth:cluster:u1',
      caPem: 'CERT(berth-ca)\n',
    },
  });
  const file = userData.files.find((f) => f.path === '/etc/kubernetes/authentication-config.yaml');
  assert.ok(file, 'authentication config written');
  assert.match(file.content, /url: "https:\/\/198\.18\.0\.1:5000\/oidc"/);
  assert.match(file.content, /- "berth:cluster:u1"/);
  const apiserver = userData.services.find((s) => s.name === 'kube-apiserver')!;
  assert.ok(
    apiserver.command.includes('--authentication-config=etc/kubernetes/authentication-config.yaml'),
  );
});
