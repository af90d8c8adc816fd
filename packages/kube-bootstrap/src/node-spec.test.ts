import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from '@berth/provider-api';
import { isNodeSettableLabel, nodeSettableLabels, nodeSpec } from './node-spec.js';
import { missingRestrictedLabels } from './restricted-labels.js';
import { testCluster } from './testing/fixtures.js';

test('NodeRestriction: which labels a node may set on itself', () => {
  const cases: [string, boolean][] = [
    ['tier', true],
    ['berth.dev/nodegroup', true],
    ['example.com/team', true],
    ['kubernetes.io/hostname', true],
    ['topology.kubernetes.io/zone', true],
    ['node.kubernetes.io/instance-type', true],
    ['node.kubernetes.io/anything', true],
    ['kubelet.kubernetes.io/x', true],
    ['sub.node.kubernetes.io/x', true],
    ['node-role.kubernetes.io/worker', false],
    ['node-restriction.kubernetes.io/pool', false],
    ['kubernetes.io/team', false],
    ['k8s.io/x', false],
    ['foo.k8s.io/x', false],
    ['notkubernetes.io/x', true],
  ];
  for (const [key, settable] of cases) assert.equal(isNodeSettableLabel(key), settable, key);
  assert.deepEqual(nodeSettableLabels({ a: '1', 'node-role.kubernetes.io/worker': '' }), {
    own: { a: '1' },
    restricted: { 'node-role.kubernetes.io/worker': '' },
  });
});

test("Berth's labels win over a group's labels of the same key", () => {
  const spec = nodeSpec({
    nodeName: 'n1',
    nodeGroup: 'pool',
    zone: 'az2',
    flavor: { name: 'std-4-8', vcpus: 4, ramMiB: 8192 },
    diskGb: 20,
    labels: { 'berth.dev/nodegroup': 'spoofed', tier: 'db' },
    taints: [],
  });
  assert.equal(spec.labels['berth.dev/nodegroup'], 'pool');
  assert.equal(spec.labels.tier, 'db');
  assert.deepEqual(spec.capacity, {
    cpu: '4',
    memory: '8192Mi',
    pods: '110',
    'ephemeral-storage': '20Gi',
  });
});

test('restricted labels: only those a group wants and its Node lacks', () => {
  const cluster = testCluster('demo', {
    nodeGroups: [{ name: 'pool', labels: { tier: 'web', 'node-role.kubernetes.io/worker': '' } }],
  });
  const server = (name: string, group?: string) =>
    ({ name, metadata: group ? { 'berth.dev/node-group': group } : {} }) as unknown as Server;
  const node = (name: string, labels: Record<string, string>) => ({ metadata: { name, labels } });
  const missing = missingRestrictedLabels(
    cluster,
    [server('a', 'pool'), server('b', 'pool'), server('m'), server('c', 'pool')],
    [
      node('a', { tier: 'web' }),
      node('b', { 'node-role.kubernetes.io/worker': '' }),
      node('m', {}),
    ],
  );
  assert.deepEqual([...missing], [['a', { 'node-role.kubernetes.io/worker': '' }]]);
});
