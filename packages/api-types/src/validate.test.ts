import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { applyClusterDefaults, applyNodeGroupDefaults } from './defaults.js';
import { validateClusterSpec, type CatalogSnapshot } from './validate.js';
import type { ClusterSpec } from './cluster.js';

const catalog: CatalogSnapshot = {
  versions: [
    {
      version: '1.35',
      patch: '1.35.4',
      default: false,
      endOfSupport: '2027-02-28',
      upgradesTo: [],
    },
    {
      version: '1.34',
      patch: '1.34.2',
      default: true,
      endOfSupport: '2026-10-27',
      upgradesTo: ['1.35.4'],
    },
  ],
  flavors: [{ name: 'std-2-4', vcpus: 2, ramMiB: 4096, diskGb: 20 }],
  zones: [
    { name: 'az1', available: true },
    { name: 'az2', available: true },
  ],
  volumeTypes: [
    {
      name: 'ssd',
      description: 'SSD',
      maxSizeGb: 4096,
      limits: {
        readIops: 1000,
        writeIops: 1000,
        readBytesPerSec: 134217728,
        writeBytesPerSec: 134217728,
      },
    },
  ],
  addons: [
    { name: 'ingress-nginx', description: 'Ingress', versions: ['1.0'], defaultVersion: '1.0' },
  ],
};

function spec(patch: (s: ClusterSpec) => void = () => {}): ClusterSpec {
  const s = applyClusterDefaults(undefined, { defaultVersion: '1.34' });
  patch(s);
  return s;
}

function fieldOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BerthError);
    assert.equal(err.code, 'BERTH_ERR_VALIDATION');
    return err.field;
  }
  return undefined;
}

test('defaults produce a valid spec with one node group named default', () => {
  const s = spec();
  assert.equal(s.version, '1.34');
  assert.deepEqual(s.controlPlane, { count: 1, flavor: 'std-2-4' });
  assert.deepEqual(
    s.nodeGroups.map((g) => [g.name, g.zone, g.count]),
    [['default', 'az1', 3]],
  );
  assert.equal(
    fieldOf(() => validateClusterSpec(s, catalog)),
    undefined,
  );
});

test('an explicit empty nodeGroups list stays empty', () => {
  assert.deepEqual(
    applyClusterDefaults({ nodeGroups: [] }, { defaultVersion: '1.34' }).nodeGroups,
    [],
  );
});

test('autoscaling bounds widen to include count when omitted', () => {
  const ng = applyNodeGroupDefaults({ count: 20, autoscaling: { enabled: true } }, 'az1');
  assert.deepEqual(ng.autoscaling, { enabled: true, min: 1, max: 20 });
});

const violations: Array<[string, (s: ClusterSpec) => void, string]> = [
  ['host bits', (s) => (s.network.subnetCidr = '10.0.0.5/24'), 'spec.network.subnetCidr'],
  ['pods overlap subnet', (s) => (s.network.podsCidr = '10.0.0.0/16'), 'spec.network.podsCidr'],
  [
    'services overlap pods',
    (s) => (s.network.servicesCidr = '10.100.0.0/24'),
    'spec.network.servicesCidr',
  ],
  ['tiny subnet', (s) => (s.network.subnetCidr = '10.0.0.0/30'), 'spec.network.subnetCidr'],
  ['unknown version', (s) => (s.version = '1.20'), 'spec.version'],
  ['unknown zone', (s) => (s.zones = ['az1', 'az9']), 'spec.zones[1]'],
  ['duplicate zone', (s) => (s.zones = ['az1', 'az1']), 'spec.zones[1]'],
  [
    'bad allowed cidr',
    (s) => (s.apiAccess.allowedCidrs = ['1.2.3.4/8']),
    'spec.apiAccess.allowedCidrs[0]',
  ],
  ['duplicate group', (s) => s.nodeGroups.push({ ...s.nodeGroups[0]! }), 'spec.nodeGroups[1].name'],
  [
    'count outside autoscaling',
    (s) => (s.nodeGroups[0]!.autoscaling = { enabled: true, min: 5, max: 10 }),
    'spec.nodeGroups[0].count',
  ],
  [
    'min above max',
    (s) => (s.nodeGroups[0]!.autoscaling = { enabled: false, min: 5, max: 2 }),
    'spec.nodeGroups[0].autoscaling.min',
  ],
  ['unknown flavor', (s) => (s.nodeGroups[0]!.flavor = 'huge'), 'spec.nodeGroups[0].flavor'],
  [
    'unknown volume type',
    (s) => (s.nodeGroups[0]!.volume.type = 'tape'),
    'spec.nodeGroups[0].volume.type',
  ],
  ['unknown addon', (s) => (s.addons = [{ name: 'nope' }]), 'spec.addons[0].name'],
  [
    'addon version',
    (s) => (s.addons = [{ name: 'ingress-nginx', version: '9' }]),
    'spec.addons[0].version',
  ],
];

for (const [name, mutate, field] of violations) {
  test(`rejects ${name} at ${field}`, () => {
    assert.equal(
      fieldOf(() => validateClusterSpec(spec(mutate), catalog)),
      field,
    );
  });
}

test('catalog checks are skipped without a catalog', () => {
  assert.equal(
    fieldOf(() => validateClusterSpec(spec((s) => (s.version = '1.20')))),
    undefined,
  );
});
