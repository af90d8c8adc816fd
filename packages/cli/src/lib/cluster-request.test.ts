import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCreateRequest, requestFromDocument } from './cluster-request.js';
import { parseDuration } from './duration.js';

test('flags become a create request', () => {
  const request = buildCreateRequest('demo', {
    version: '1.34',
    masters: '3',
    masterFlavor: 'std-4-8',
    zones: 'az1, az2',
    podsCidr: '10.200.0.0/16',
    private: true,
    allowedCidr: ['10.0.0.0/8,192.168.0.0/16', '172.16.0.0/12'],
    nodegroup: ['a:count=2', 'b:flavor=std-4-8,count=1,zone=az2'],
    label: ['env=dev'],
  });
  assert.deepEqual(request, {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: { name: 'demo', labels: { env: 'dev' } },
    spec: {
      version: '1.34',
      controlPlane: { count: 3, flavor: 'std-4-8' },
      zones: ['az1', 'az2'],
      network: { podsCidr: '10.200.0.0/16' },
      apiAccess: { public: false, allowedCidrs: ['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12'] },
      nodeGroups: [
        { name: 'a', count: 2 },
        { name: 'b', flavor: 'std-4-8', count: 1, zone: 'az2' },
      ],
    },
  });
});

test('flags override a spec file; --nodegroup replaces its node groups', () => {
  const file = requestFromDocument(
    [
      'metadata: {name: from-file, labels: {team: a}}',
      'spec:',
      '  version: "1.35"',
      '  controlPlane: {count: 1, flavor: std-2-4}',
      '  nodeGroups: [{name: old, count: 9}]',
    ].join('\n'),
    'spec.yaml',
  );
  const request = buildCreateRequest(undefined, { masters: '5', nodegroup: ['new'] }, file);
  assert.equal(request.metadata.name, 'from-file');
  assert.deepEqual(request.metadata.labels, { team: 'a' });
  assert.deepEqual(request.spec?.controlPlane, { count: 5, flavor: 'std-2-4' });
  assert.equal(request.spec?.version, '1.35');
  assert.deepEqual(request.spec?.nodeGroups, [{ name: 'new' }]);
});

test('a file may hold just the spec', () => {
  const request = buildCreateRequest(
    'x',
    {},
    requestFromDocument('{"version": "1.34"}', 'spec.json'),
  );
  assert.deepEqual(request.spec, { version: '1.34' });
});

test('usage mistakes are named', () => {
  assert.throws(() => buildCreateRequest(undefined, {}), /needs a NAME/);
  assert.throws(
    () => buildCreateRequest('x', { masters: 'three' }),
    /--masters "three" must be a number/,
  );
  assert.throws(
    () => buildCreateRequest('x', { label: ['oops'] }),
    /--label: label "oops" must be key=value/,
  );
  assert.throws(() => requestFromDocument('- 1', 'f.yaml'), /-f f\.yaml: expected a mapping/);
});

test('durations', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('45'), 45_000);
  assert.throws(() => parseDuration('soon'), /--timeout "soon": not a duration/);
  assert.throws(() => parseDuration('30x'), /not a duration/);
  assert.throws(() => parseDuration('0s'), /longer than zero/);
});
