import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterEvent } from '@berth/api-types';
import { nodesOverTime } from './charts.js';
import { age, parseLabels, parseTaints, phaseTone } from './format.js';
import { hrefs, matchRoute } from './router.js';
import { upgradeTargets } from './versions.js';
import {
  berthCommand,
  defaultForm,
  defaultNodeGroup,
  fieldFor,
  terraformConfig,
  toRequest,
} from './wizard-model.js';

test('name → Create sends only the name: every other field is the API default', () => {
  const form = { ...defaultForm(), name: ' demo ' };
  assert.deepEqual(toRequest(form), { request: { metadata: { name: 'demo' } }, errors: {} });
  assert.equal(
    berthCommand('default', toRequest(form).request),
    'berth cluster create demo --wait',
  );
});

test('changed fields appear in the body and in the equivalent command', () => {
  const form = {
    ...defaultForm(),
    name: 'web',
    version: '1.35',
    masters: 3 as const,
    zones: ['az1', 'az2'],
    podsCidr: '10.200.0.0/16',
    apiPublic: false,
    allowedCidrs: '203.0.113.0/24, 198.51.100.0/24',
    nodeGroups: [
      {
        ...defaultNodeGroup('web'),
        count: 5,
        labels: 'tier=web',
        taints: 'dedicated=web:NoSchedule',
      },
      {
        ...defaultNodeGroup('batch'),
        flavor: 'std-4-8',
        zone: 'az2',
        autoscaling: true,
        min: 1,
        max: 4,
      },
    ],
  };
  const { request, errors } = toRequest(form);
  assert.deepEqual(errors, {});
  assert.deepEqual(request.spec, {
    version: '1.35',
    controlPlane: { count: 3 },
    zones: ['az1', 'az2'],
    network: { podsCidr: '10.200.0.0/16' },
    apiAccess: { public: false, allowedCidrs: ['203.0.113.0/24', '198.51.100.0/24'] },
    nodeGroups: [
      {
        name: 'web',
        count: 5,
        labels: { tier: 'web' },
        taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
      },
      {
        name: 'batch',
        flavor: 'std-4-8',
        zone: 'az2',
        autoscaling: { enabled: true, min: 1, max: 4 },
      },
    ],
  });
  assert.equal(
    berthCommand('team-a', request),
    'berth -p team-a cluster create web --version 1.35 --masters 3 --zones az1,az2 ' +
      '--pods-cidr 10.200.0.0/16 --private --allowed-cidr 203.0.113.0/24 --allowed-cidr 198.51.100.0/24 ' +
      '--nodegroup web:count=5,label=tier=web,taint=dedicated=web:NoSchedule ' +
      '--nodegroup batch:flavor=std-4-8,zone=az2,min=1,max=4,autoscale --wait',
  );
});

test('an explicit empty list of node groups is sent as such (no workers)', () => {
  const { request } = toRequest({ ...defaultForm(), name: 'cp-only', nodeGroups: [] });
  assert.deepEqual(request.spec, { nodeGroups: [] });
});

test('malformed labels and taints are reported on their field before sending', () => {
  const form = {
    ...defaultForm(),
    name: 'x',
    nodeGroups: [{ ...defaultNodeGroup(), labels: 'novalue', taints: 'a=b' }],
  };
  assert.deepEqual(toRequest(form).errors, {
    'spec.nodeGroups[0].labels': '"novalue" is not key=value',
    'spec.nodeGroups[0].taints': '"a=b" is not key=value:Effect',
  });
  assert.deepEqual(parseTaints('gpu:NoExecute'), [{ key: 'gpu', value: '', effect: 'NoExecute' }]);
  assert.deepEqual(parseLabels('a=1,\n b = 2'), { a: '1', b: '2' });
});

test("an API error's field path finds the closest form field", () => {
  const known = [
    'spec.network.podsCidr',
    'spec.nodeGroups[0]',
    'spec.nodeGroups[0].labels',
    'spec.nodeGroups',
  ];
  assert.equal(fieldFor('spec.network.podsCidr', known), 'spec.network.podsCidr');
  assert.equal(fieldFor('spec.nodeGroups[0].labels.tier', known), 'spec.nodeGroups[0].labels');
  assert.equal(fieldFor('spec.nodeGroups[0].volume.sizeGb', known), 'spec.nodeGroups[0]');
  assert.equal(fieldFor('spec.nodeGroups[1].count', known), 'spec.nodeGroups');
  assert.equal(fieldFor('Idempotency-Key', known), undefined);
  assert.equal(fieldFor(undefined, known), undefined);
});

test('routes: every page has a path, names are decoded, unknown paths are not found', () => {
  assert.deepEqual(matchRoute('/projects/a%20b/clusters/web/nodes'), {
    page: 'cluster',
    project: 'a b',
    cluster: 'web',
    tab: 'nodes',
  });
  assert.deepEqual(matchRoute(hrefs.cluster('p', 'c')), {
    page: 'cluster',
    project: 'p',
    cluster: 'c',
    tab: 'overview',
  });
  assert.deepEqual(matchRoute(hrefs.create('p')), { page: 'create', project: 'p' });
  assert.deepEqual(matchRoute('/projects/p/clusters/new'), {
    page: 'cluster',
    project: 'p',
    cluster: 'new',
    tab: 'overview',
  });
  assert.deepEqual(matchRoute(hrefs.tokens('p')), { page: 'tokens', project: 'p' });
  assert.deepEqual(matchRoute('/sign-in?next=%2Fprojects'), { page: 'sign-in', next: '/projects' });
  assert.equal(matchRoute('/projects/p/clusters/c/bogus').page, 'not-found');
  assert.equal(matchRoute('/projects/%E0%A4%A/clusters').page, 'not-found');
});

test('upgrades offered: newer patches of the minor, and the next minor only', () => {
  const item = (version: string, patch: string, isDefault = false) => ({
    version,
    patch,
    default: isDefault,
    endOfSupport: '2027-01-01',
    upgradesTo: [],
  });
  const catalog = [
    item('1.37', '1.37.2'),
    item('1.36', '1.36.3', true),
    item('1.35', '1.35.4'),
    item('1.34', '1.34.10'),
  ];
  assert.deepEqual(
    upgradeTargets('1.35.4', catalog).map((t) => t.version),
    ['1.36'],
  );
  assert.deepEqual(
    upgradeTargets('1.35.2', catalog).map((t) => t.version),
    ['1.35.4', '1.36'],
  );
  assert.deepEqual(upgradeTargets('1.37.2', catalog), []);
});

test('formatting: ages, phase colours', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.equal(age('2026-01-01T11:59:30Z', now), '30s');
  assert.equal(age('2026-01-01T10:00:00Z', now), '2h');
  assert.equal(age(undefined, now), '—');
  assert.deepEqual(['Running', 'Stopped', 'Error', 'Upgrading'].map(phaseTone), [
    'ok',
    'idle',
    'bad',
    'busy',
  ]);
});

test('nodes over time: a step per NodeCreated/NodeRemoved, per group, up to now', () => {
  const ev = (id: number, reason: string, group: string, t: number): ClusterEvent => ({
    id,
    project: 'p',
    cluster: 'c',
    type: 'Normal',
    reason,
    message: '',
    time: new Date(t).toISOString(),
    object: { kind: 'NodeGroup', name: group },
  });
  const series = nodesOverTime(
    [
      ev(1, 'NodeCreated', 'web', 1000),
      ev(2, 'NodeCreated', 'web', 2000),
      ev(3, 'ClusterRunning', 'web', 2500),
      ev(4, 'NodeCreated', 'batch', 3000),
      ev(5, 'NodeRemoved', 'web', 4000),
    ],
    9000,
  );
  assert.deepEqual(
    series.map((s) => [s.name, s.points.map((p) => `${p.t}:${p.v}`).join(' ')]),
    [
      ['batch', '3000:0 3000:1 9000:1'],
      ['web', '1000:0 1000:1 2000:2 4000:1 9000:1'],
    ],
  );
});

test('the same request as Terraform: the cluster, and a node group resource per group', () => {
  assert.equal(
    terraformConfig('default', { metadata: { name: 'demo' } }),
    [
      'resource "berth_kubernetes_cluster" "demo" {',
      '  name = "demo"',
      '}',
      '',
      'resource "berth_kubernetes_node_group" "demo_default" {',
      '  cluster_id = berth_kubernetes_cluster.demo.id',
      '  name       = "default"',
      '}',
    ].join('\n'),
  );
  const tf = terraformConfig('team-a', {
    metadata: { name: '1st-web' },
    spec: {
      controlPlane: { count: 3 },
      zones: ['az1', 'az2'],
      network: { podsCidr: '10.200.0.0/16' },
      apiAccess: { public: false, allowedCidrs: ['203.0.113.0/24'] },
      nodeGroups: [
        {
          name: 'web',
          count: 5,
          labels: { tier: 'web' },
          taints: [{ key: 'd', value: 'w', effect: 'NoSchedule' }],
        },
        { name: 'batch', flavor: 'std-4-8', autoscaling: { enabled: true, min: 1, max: 4 } },
      ],
    },
  });
  assert.match(
    tf,
    /resource "berth_kubernetes_cluster" "c_1st_web" \{\n  name {10}= "1st-web"\n  project {7}= "team-a"/,
  );
  assert.match(tf, /control_plane = \{ count = 3 \}/);
  assert.match(tf, /network {7}= \{ pods_cidr = "10\.200\.0\.0\/16" \}/);
  assert.match(
    tf,
    /api_access {4}= \{ public = false, allowed_cidrs = \["203\.0\.113\.0\/24"\] \}/,
  );
  assert.match(tf, /"c_1st_web_web" \{[^}]*node_count = 5\n  labels {5}= \{ tier = "web" \}/);
  assert.match(tf, /taints {5}= \[\{ key = "d", value = "w", effect = "NoSchedule" \}\]/);
  assert.match(tf, /"c_1st_web_batch" \{[^]*autoscaling = \{ min = 1, max = 4 \}/);
  assert.ok(!/batch[^]*node_count/.test(tf), 'the autoscaler owns node_count');
  assert.equal(
    terraformConfig('default', { metadata: { name: 'x' }, spec: { nodeGroups: [] } }).match(
      /node_group/g,
    ),
    null,
  );
});
