import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddonSettings, type MonitoringSettings } from '@berth/api-types';
import { assertGolden } from '@berth/test-kit';
import {
  ADDON_KINDS,
  ADDON_LABEL,
  MONITORING_NAMESPACE,
  PROMETHEUS_SERVICE,
  monitoringObjects,
  renderAddon,
  type KubeObject,
} from './index.js';

const testdata = new URL('../src/testdata/', import.meta.url).pathname;

const IMAGES = {
  'prometheus-operator': 'r/berth/prometheus-operator:v0.85.0',
  'prometheus-config-reloader': 'r/berth/prometheus-config-reloader:v0.85.0',
  prometheus: 'r/berth/prometheus:v3.16.0',
  'kube-state-metrics': 'r/berth/kube-state-metrics:v2.20.0',
  node_exporter: 'r/berth/node_exporter:v1.12.1',
};

/** Stand-ins for the operator's CRDs (the real ones come from its Go module at run time). */
const CRDS: KubeObject[] = [
  'prometheuses',
  'servicemonitors',
  'podmonitors',
  'probes',
  'prometheusrules',
].map((plural) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.monitoring.coreos.com` },
}));

test('monitoring golden: operator, Prometheus, its Service, kube-state-metrics, node-exporter, monitors', () => {
  const objects = monitoringObjects({
    images: {
      operator: IMAGES['prometheus-operator'],
      configReloader: IMAGES['prometheus-config-reloader'],
      prometheus: IMAGES.prometheus,
      kubeStateMetrics: IMAGES['kube-state-metrics'],
      nodeExporter: IMAGES.node_exporter,
    },
    prometheusVersion: 'v3.16.0',
    version: '0.85.0-berth.2',
    settings: parseAddonSettings('monitoring', {}) as MonitoringSettings,
    crds: CRDS,
  });
  assertGolden(testdata, 'monitoring', JSON.stringify(objects, null, 2) + '\n');
});

test('monitoring: CRDs first and without the addon label; the rest labelled and of kinds removal knows', () => {
  const rendered = renderAddon(
    { name: 'monitoring', version: '0.85.0-berth.2', config: { retention: '12h', replicas: '2' } },
    { images: IMAGES, subnetCidr: '10.1.0.0/24', crds: CRDS },
  );
  assert.ok('objects' in rendered);
  const kinds = new Set(ADDON_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
  const crds = rendered.objects.filter((o) => o.kind === 'CustomResourceDefinition');
  assert.equal(crds.length, CRDS.length);
  assert.deepEqual(rendered.objects.slice(0, crds.length), crds, 'CRDs are applied before CRs');
  for (const o of rendered.objects) {
    if (o.kind === 'CustomResourceDefinition') {
      assert.equal(o.metadata.labels?.[ADDON_LABEL], undefined, 'removal keeps the CRDs');
      continue;
    }
    assert.equal(o.metadata.labels?.[ADDON_LABEL], 'monitoring', `${o.kind} ${o.metadata.name}`);
    assert.ok(kinds.has(`${o.apiVersion}/${o.kind}`), `${o.kind} is not in ADDON_KINDS`);
  }
  const prometheus = rendered.objects.find((o) => o.kind === 'Prometheus') as unknown as {
    spec: Record<string, unknown>;
  };
  assert.equal(prometheus.spec['replicas'], 2);
  assert.equal(prometheus.spec['retention'], '12h');
  assert.equal(prometheus.spec['version'], 'v3.16.0');
  assert.deepEqual(prometheus.spec['serviceMonitorSelector'], {});
  assert.deepEqual(prometheus.spec['serviceMonitorNamespaceSelector'], {});
});

test('the query API contract: Service "prometheus" in berth-monitoring, port "web" 9090', () => {
  const rendered = renderAddon(
    { name: 'monitoring', version: '0.85.0-berth.2' },
    { images: IMAGES, subnetCidr: '10.1.0.0/24', crds: CRDS },
  );
  assert.ok('objects' in rendered);
  const service = rendered.objects.find(
    (o) => o.kind === 'Service' && o.metadata.name === 'prometheus',
  ) as unknown as {
    metadata: { namespace: string };
    spec: { ports: { name: string; port: number }[] };
  };
  assert.equal(service.metadata.namespace, MONITORING_NAMESPACE);
  assert.equal(MONITORING_NAMESPACE, 'berth-monitoring');
  assert.deepEqual(
    service.spec.ports.map((p) => [p.name, p.port]),
    [[PROMETHEUS_SERVICE.portName, 9090]],
  );
  assert.equal(PROMETHEUS_SERVICE.portName, 'web');
});

test('monitoring needs every image and the CRDs, and names the command that builds them', () => {
  const { node_exporter: _gone, ...partial } = IMAGES;
  const noImage = renderAddon(
    { name: 'monitoring', version: '0.85.0-berth.2' },
    { images: partial, subnetCidr: '10.1.0.0/24', crds: CRDS },
  );
  assert.deepEqual(noImage, {
    missing:
      'the platform registry holds no berth/node_exporter image (berth components install default --only monitoring)',
  });
  const noCrds = renderAddon(
    { name: 'monitoring', version: '0.85.0-berth.2' },
    { images: IMAGES, subnetCidr: '10.1.0.0/24' },
  );
  assert.ok('missing' in noCrds && /CRDs/.test(noCrds.missing));
});

test('0.85.0-berth.1 runs Prometheus v3.15.1 from its own image; berth.2 v3.16.0', () => {
  const images = { ...IMAGES, 'prometheus-v3.15.1': 'r/berth/prometheus:v3.15.1' };
  const prometheusOf = (version: string) => {
    const rendered = renderAddon(
      { name: 'monitoring', version },
      { images, subnetCidr: '10.1.0.0/24', crds: CRDS },
    );
    assert.ok('objects' in rendered, version);
    const cr = rendered.objects.find((o) => o.kind === 'Prometheus') as unknown as {
      spec: { image: string; version: string };
    };
    return [cr.spec.image, cr.spec.version];
  };
  assert.deepEqual(prometheusOf('0.85.0-berth.1'), ['r/berth/prometheus:v3.15.1', 'v3.15.1']);
  assert.deepEqual(prometheusOf('0.85.0-berth.2'), ['r/berth/prometheus:v3.16.0', 'v3.16.0']);
  const { 'prometheus-v3.15.1': _gone, ...without } = images;
  assert.deepEqual(
    renderAddon(
      { name: 'monitoring', version: '0.85.0-berth.1' },
      { images: without, subnetCidr: '10.1.0.0/24', crds: CRDS },
    ),
    {
      missing:
        'the platform registry holds no berth/prometheus:v3.15.1 image (berth components install default --only monitoring)',
    },
  );
});
