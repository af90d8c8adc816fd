import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertGolden } from '@berth/test-kit';
import {
  ADDON_KINDS,
  ADDON_LABEL,
  ADDON_VERSION_LABEL,
  catalogItem,
  metricsServerObjects,
  renderAddon,
} from './index.js';

const testdata = new URL('../src/testdata/', import.meta.url).pathname;

test('metrics-server golden: Deployment, RBAC with auth-delegator and auth-reader, Service, APIService', () => {
  const objects = metricsServerObjects({
    image: '198.18.0.1:5000/berth/metrics-server:v0.8.0',
    version: '0.8.0',
  });
  assertGolden(testdata, 'metrics-server', JSON.stringify(objects, null, 2) + '\n');
});

test('each catalog version renders its own image; every object is labelled and removable', () => {
  const item = catalogItem('metrics-server');
  assert.deepEqual(item?.versions, ['0.8.0', '0.8.1']);
  const images = {
    'metrics-server-v0.8.0': 'r/berth/metrics-server:v0.8.0',
    'metrics-server-v0.8.1': 'r/berth/metrics-server:v0.8.1',
  };
  const kinds = new Map(ADDON_KINDS.map((k) => [`${k.apiVersion}/${k.kind}`, k.namespaced]));
  for (const version of item?.versions ?? []) {
    const rendered = renderAddon(
      { name: 'metrics-server', version },
      { images, subnetCidr: '10.0.0.0/24' },
    );
    assert.ok('objects' in rendered);
    for (const o of rendered.objects) {
      assert.equal(
        o.metadata.labels?.[ADDON_LABEL],
        'metrics-server',
        `${o.kind} ${o.metadata.name}`,
      );
      assert.equal(o.metadata.labels?.[ADDON_VERSION_LABEL], version);
      const namespaced = kinds.get(`${o.apiVersion}/${o.kind}`);
      assert.notEqual(namespaced, undefined, `${o.kind} is not in ADDON_KINDS`);
      // Pruning compares keys with what the cluster lists: cluster-scoped objects have no namespace.
      assert.equal(o.metadata.namespace !== undefined, namespaced, `${o.kind} ${o.metadata.name}`);
    }
    const deployment = rendered.objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { image: string; args: string[] }[] } } };
    };
    const container = deployment.spec.template.spec.containers[0];
    assert.equal(container?.image, `r/berth/metrics-server:v${version}`);
    assert.ok(container?.args.includes('--kubelet-preferred-address-types=InternalIP'));
    assert.ok(!container?.args.some((a) => a.startsWith('--kubelet-insecure-tls')));
  }
});

test('metrics-server without its version image names the component to build', () => {
  const rendered = renderAddon(
    { name: 'metrics-server', version: '0.8.1' },
    { images: { 'metrics-server-v0.8.0': 'r/x' }, subnetCidr: '10.0.0.0/24' },
  );
  assert.match(
    'missing' in rendered ? rendered.missing : '',
    /berth\/metrics-server:v0\.8\.1 .*--only metrics-server-v0\.8\.1/,
  );
});
