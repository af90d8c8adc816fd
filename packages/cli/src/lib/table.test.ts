import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster, NodeGroup } from '@berth/api-types';
import { renderList } from '../commands/output.js';
import { age, cell, renderTable } from './table.js';
import { clusterView, nodeGroupView } from './views.js';

const now = new Date('2025-06-01T12:00:00Z');

test('columns are padded to the widest cell, three spaces apart, no trailing blanks', () => {
  assert.equal(
    renderTable(
      ['NAME', 'PHASE'],
      [
        ['a', 'Running'],
        ['longer-name', '-'],
      ],
    ),
    'NAME          PHASE\na             Running\nlonger-name   -\n',
  );
});

test('age reads like kubectl', () => {
  const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  assert.deepEqual(
    [5, 119, 120, 7199, 7200, 172_799, 172_800, -3].map((s) => age(ago(s), now)),
    ['5s', '119s', '2m', '119m', '2h', '47h', '2d', '0s'],
  );
  assert.equal(age(undefined, now), '-');
});

test('cells are one line and show - for nothing', () => {
  assert.equal(cell(undefined), '-');
  assert.equal(cell(''), '-');
  assert.equal(cell('two\n  lines'), 'two lines');
  assert.equal(cell(0), '0');
});

function cluster(name: string, patch: Partial<Cluster['status']> = {}): Cluster {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name,
      project: 'default',
      uid: 'u',
      generation: 1,
      resourceVersion: '1',
      labels: {},
      createdAt: '2025-06-01T11:55:00Z',
    },
    spec: {
      version: '1.34',
      controlPlane: { count: 3, flavor: 'std-2-4' },
      zones: ['az1'],
      network: {
        subnetCidr: '10.0.0.0/24',
        podsCidr: '10.100.0.0/16',
        servicesCidr: '10.254.0.0/16',
      },
      apiAccess: { public: true, allowedCidrs: [] },
      nodeGroups: [
        { name: 'a', count: 3 } as Cluster['spec']['nodeGroups'][number],
        { name: 'b', count: 2 } as Cluster['spec']['nodeGroups'][number],
      ],
      autoscaler: {
        scaleDownUnneededSeconds: 600,
        scaleDownUtilizationThreshold: 0.5,
        scaleDownDelayAfterAddSeconds: 600,
      },
      addons: [],
      stopped: false,
    },
    status: { phase: 'Provisioning', conditions: [], observedGeneration: 0, ...patch },
  };
}

test('the cluster table (golden)', () => {
  const running = cluster('prod', {
    phase: 'Running',
    version: '1.34.2',
    apiEndpoint: 'https://172.24.0.10:6443',
  });
  assert.equal(
    renderList([running, cluster('dev')], clusterView, now),
    [
      'NAME   PHASE          VERSION   MASTERS   NODES   ENDPOINT                   AGE',
      'prod   Running        1.34.2    3         5       https://172.24.0.10:6443   5m',
      'dev    Provisioning   1.34      3         5       -                          5m',
      '',
    ].join('\n'),
  );
});

test('the node group table shows a pinned version the group is moving to', () => {
  const group = {
    metadata: { name: 'old', createdAt: '2025-06-01T10:00:00Z' },
    spec: { flavor: 'std-4-8', zone: 'az2', count: 1, version: '1.33', autoscaling: {} },
    status: { phase: 'Updating', readyReplicas: 1, version: '1.32' },
  } as unknown as NodeGroup;
  assert.equal(nodeGroupView.row(group, now)[2], '1.32→1.33');
});

test('the node group table shows ready/desired and autoscaling bounds', () => {
  const group = {
    metadata: { name: 'web', createdAt: '2025-06-01T10:00:00Z' },
    spec: {
      flavor: 'std-4-8',
      zone: 'az2',
      count: 4,
      autoscaling: { enabled: true, min: 2, max: 8 },
    },
    status: { phase: 'Scaling', readyReplicas: 3, version: '1.34' },
  } as unknown as NodeGroup;
  assert.deepEqual(nodeGroupView.row(group, now), [
    'web',
    'Scaling',
    '1.34',
    'std-4-8',
    'az2',
    '3/4',
    '2-8',
    '2h',
  ]);
});

test('an empty list says so', () => {
  assert.equal(renderList([], clusterView, now), 'No resources found.\n');
});
