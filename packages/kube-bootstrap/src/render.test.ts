import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiserverArgs, etcdArgs } from './component-flags.js';
import { renderClientCertKubeconfig } from './kubeconfig.js';

test('kubeconfig golden: embedded credentials, quoted names', () => {
  const text = renderClientCertKubeconfig({
    clusterName: 'demo',
    userName: 'admin',
    server: 'https://127.0.0.1:6443',
    caPem: 'CA',
    certPem: 'CERT',
    keyPem: 'KEY',
  });
  assert.equal(
    text,
    `apiVersion: v1
kind: Config
clusters:
- name: "demo"
  cluster:
    server: "https://127.0.0.1:6443"
    certificate-authority-data: Q0E=
users:
- name: "admin"
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: "admin@demo"
  context:
    cluster: "demo"
    user: "admin"
current-context: "admin@demo"
`,
  );
  assert.throws(
    () =>
      renderClientCertKubeconfig({
        clusterName: 'x',
        userName: 'y',
        server: 'http://a',
        caPem: '',
        certPem: '',
        keyPem: '',
      }),
    /https URL/,
  );
});

test('etcd flags golden: TLS for clients and peers', () => {
  assert.deepEqual(
    etcdArgs({
      name: 'm0',
      dataDir: '/var/lib/etcd',
      clientUrl: 'https://10.0.0.5:2379',
      peerUrl: 'https://10.0.0.5:2380',
      initialCluster: { m0: 'https://10.0.0.5:2380', m1: 'https://10.0.0.6:2380' },
      initialClusterState: 'new',
      pki: {
        caFile: '/p/ca.crt',
        certFile: '/p/server.crt',
        keyFile: '/p/server.key',
        peerCertFile: '/p/peer.crt',
        peerKeyFile: '/p/peer.key',
      },
    }),
    [
      '--name=m0',
      '--data-dir=/var/lib/etcd',
      '--listen-client-urls=https://10.0.0.5:2379',
      '--advertise-client-urls=https://10.0.0.5:2379',
      '--listen-peer-urls=https://10.0.0.5:2380',
      '--initial-advertise-peer-urls=https://10.0.0.5:2380',
      '--initial-cluster=m0=https://10.0.0.5:2380,m1=https://10.0.0.6:2380',
      '--initial-cluster-state=new',
      '--client-cert-auth=true',
      '--trusted-ca-file=/p/ca.crt',
      '--cert-file=/p/server.crt',
      '--key-file=/p/server.key',
      '--peer-client-cert-auth=true',
      '--peer-trusted-ca-file=/p/ca.crt',
      '--peer-cert-file=/p/peer.crt',
      '--peer-key-file=/p/peer.key',
      '--snapshot-count=10000',
    ],
  );
});

test('kube-apiserver flags golden', () => {
  assert.deepEqual(
    apiserverArgs({
      advertiseAddress: '10.0.0.5',
      bindAddress: '0.0.0.0',
      securePort: 6443,
      etcdServers: ['https://10.0.0.5:2379', 'https://10.0.0.6:2379'],
      serviceClusterIpRange: '10.254.0.0/16',
      serviceAccountIssuer: 'https://kubernetes.default.svc.cluster.local',
      authorizationModes: ['Node', 'RBAC'],
      pki: {
        caFile: '/p/ca.crt',
        certFile: '/p/apiserver.crt',
        keyFile: '/p/apiserver.key',
        etcdCaFile: '/p/etcd/ca.crt',
        etcdCertFile: '/p/apiserver-etcd-client.crt',
        etcdKeyFile: '/p/apiserver-etcd-client.key',
        serviceAccountKeyFile: '/p/sa.pub',
        serviceAccountSigningKeyFile: '/p/sa.key',
      },
    }),
    [
      '--advertise-address=10.0.0.5',
      '--bind-address=0.0.0.0',
      '--secure-port=6443',
      '--allow-privileged=true',
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      '--enable-bootstrap-token-auth=true',
      '--client-ca-file=/p/ca.crt',
      '--tls-cert-file=/p/apiserver.crt',
      '--tls-private-key-file=/p/apiserver.key',
      '--etcd-servers=https://10.0.0.5:2379,https://10.0.0.6:2379',
      '--etcd-cafile=/p/etcd/ca.crt',
      '--etcd-certfile=/p/apiserver-etcd-client.crt',
      '--etcd-keyfile=/p/apiserver-etcd-client.key',
      '--service-cluster-ip-range=10.254.0.0/16',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file=/p/sa.pub',
      '--service-account-signing-key-file=/p/sa.key',
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    ],
  );
});
