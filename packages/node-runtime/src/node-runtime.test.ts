import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '@berth/test-kit';
import { renderRealNodeUserData } from './node-user-data.js';

const TESTDATA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'testdata',
);

const input = {
  nodeName: 'demo-default-abc12',
  podsCidr: '10.100.0.0/16',
  kubelet: { clusterDns: '10.254.0.10', clusterDomain: 'cluster.local', minor: '1.34' },
  kubeletKubeconfig: 'KUBECONFIG(system:node:demo-default-abc12)\n',
  kubeProxyKubeconfig: 'KUBECONFIG(system:kube-proxy)\n',
  caPem: 'CA\n',
  labels: { 'berth.dev/nodegroup': 'default', 'topology.kubernetes.io/zone': 'az1' },
  taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
  flavor: { vcpus: 2, ramMiB: 4096 },
  disk: { device: '/dev/vdb', type: 'ssd', sizeGb: 20 },
  sandboxImage: '198.18.0.1:5000/berth/pause:3.10.1',
  registry: {
    host: '198.18.0.1:5000',
    caPem: 'REGISTRY-CA\n',
    credential: { username: 'berth-node.default.uid', password: 'SECRET' },
  },
  binaries: {
    kubelet: '/cache/kubernetes/v1.34.10/kubelet',
    kubeProxy: '/cache/kubernetes/v1.34.10/kube-proxy',
    containerd: '/cache/containerd/v2.3.7/containerd',
    runc: '/cache/runc/v1.5.3/runc',
    cniBinDir: '/cache/cni-plugins/v1.10.0',
  },
  csi: {
    node: '/cache/node/v26.12.1/bin/node',
    script: '/berth/packages/csi/dist/bin/node-plugin.js',
    protoFile: '/cache/components/csi-spec/v1.13.0/csi.proto',
    zone: 'az1',
  },
};

/** User data as reviewable text: each file with its mode, each service's argv and env. */
function describe(userData: ReturnType<typeof renderRealNodeUserData>): string {
  const files = userData.files.map(
    (f) => `=== file ${f.path} (mode ${(f.mode ?? 0o644).toString(8)})\n${f.content}`,
  );
  const services = userData.services.map((s) =>
    [
      `=== service ${s.name} (restart ${s.restart}, after ${(s.after ?? []).join(',') || '-'}, env ${JSON.stringify(s.env)})`,
      ...s.command.map((a) => `  ${a}`),
      '',
    ].join('\n'),
  );
  return [...files, ...services].join('');
}

test('a real node renders as its golden user data', () => {
  assertGolden(TESTDATA, 'real-node', describe(renderRealNodeUserData(input)));
});

test('without a CSI plugin the node runs no csi-node service', () => {
  const names = renderRealNodeUserData({ ...input, csi: undefined }).services.map((s) => s.name);
  assert.deepEqual(names, ['containerd', 'kubelet', 'kube-proxy']);
});

test('without a platform registry no hosts.toml is written; no taints, no flag', () => {
  const data = renderRealNodeUserData({ ...input, registry: undefined, taints: [] });
  assert.ok(!data.files.some((f) => f.path.includes('certs.d')));
  assert.ok(!data.files.some((f) => f.path.includes('credential')));
  const kubelet = data.services.find((s) => s.name === 'kubelet')!;
  assert.ok(!kubelet.command.some((a) => a.startsWith('--register-with-taints')));
  assert.ok(!kubelet.command.some((a) => a.startsWith('--image-credential-provider')));
  assert.deepEqual(kubelet.after, ['containerd']);
});
