import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddonSettings, type IngressSettings } from '@berth/api-types';
import { assertGolden } from '@berth/test-kit';
import { ADDON_KINDS, ADDON_LABEL, ingressObjects, renderAddon } from './index.js';

const testdata = new URL('../src/testdata/', import.meta.url).pathname;

test('ingress golden: Traefik, RBAC, default IngressClass, PDB, PROXY v2 LoadBalancer Service', () => {
  const objects = ingressObjects({
    image: '198.18.0.1:5000/berth/traefik:v3.6.12',
    version: '3.6.12-berth.2',
    settings: parseAddonSettings('ingress', {}) as IngressSettings,
    trustedCidrs: ['10.0.0.0/24'],
    drainOnStop: true,
  });
  assertGolden(testdata, 'ingress', JSON.stringify(objects, null, 2) + '\n');
});

test('every ingress object carries the addon label and is a kind removal looks through', () => {
  const rendered = renderAddon(
    { name: 'ingress', version: '3.6.12-berth.2', config: { replicas: '3', internal: 'true' } },
    { images: { traefik: 'r/berth/traefik:v3.6.12' }, subnetCidr: '10.1.0.0/24' },
  );
  assert.ok('objects' in rendered);
  const kinds = new Set(ADDON_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
  for (const o of rendered.objects) {
    assert.equal(o.metadata.labels?.[ADDON_LABEL], 'ingress', `${o.kind} ${o.metadata.name}`);
    assert.ok(kinds.has(`${o.apiVersion}/${o.kind}`), `${o.kind} is not in ADDON_KINDS`);
  }
  const deployment = rendered.objects.find((o) => o.kind === 'Deployment') as unknown as {
    spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
  };
  assert.equal(deployment.spec.replicas, 3);
  assert.ok(
    deployment.spec.template.spec.containers[0]?.args.includes(
      '--entryPoints.web.proxyProtocol.trustedIPs=10.1.0.0/24',
    ),
  );
  const service = rendered.objects.find((o) => o.kind === 'Service');
  assert.deepEqual(service?.metadata.annotations, {
    'loadbalancer.berth.dev/proxy-protocol': 'v2',
    'loadbalancer.berth.dev/internal': 'true',
  });
});

test('tls=loadbalancer: TLS ends at the amphorae, HTTP pools to web, forwarded headers trusted', () => {
  const rendered = renderAddon(
    {
      name: 'ingress',
      version: '3.6.12-berth.2',
      config: { tls: 'loadbalancer', tlsSecret: 'lb-tls' },
    },
    { images: { traefik: 'r/berth/traefik:v3.6.12' }, subnetCidr: '10.1.0.0/24' },
  );
  assert.ok('objects' in rendered);
  const deployment = rendered.objects.find((o) => o.kind === 'Deployment') as unknown as {
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  };
  const args = deployment.spec.template.spec.containers[0]?.args ?? [];
  assert.ok(args.includes('--entryPoints.web.forwardedHeaders.trustedIPs=10.1.0.0/24'));
  assert.ok(!args.some((a) => a.startsWith('--entryPoints.web.proxyProtocol')));
  const service = rendered.objects.find((o) => o.kind === 'Service') as unknown as {
    metadata: { annotations: Record<string, string> };
    spec: { externalTrafficPolicy: string; ports: { port: number; targetPort: string }[] };
  };
  assert.deepEqual(service.metadata.annotations, {
    'loadbalancer.berth.dev/tls-secret': 'lb-tls',
    'loadbalancer.berth.dev/tls-ports': '443',
    'loadbalancer.berth.dev/http-ports': '80',
  });
  assert.equal(service.spec.externalTrafficPolicy, 'Local');
  assert.deepEqual(
    service.spec.ports.map((p) => `${p.port}→${p.targetPort}`),
    ['80→web', '443→web'],
  );
});

test('an addon without manifests, or without its image, renders nothing and says why', () => {
  const context = { images: {}, subnetCidr: '10.0.0.0/24' };
  const noImage = renderAddon({ name: 'ingress', version: '3.6.12-berth.2' }, context);
  assert.match('missing' in noImage ? noImage.missing : '', /berth\/traefik/);
  const other = renderAddon({ name: 'monitoring', version: '0.85.0-berth.2' }, context);
  assert.match('missing' in other ? other.missing : '', /monitoring/);
});

test('berth.2 drains on stop, berth.1 does not; a version the catalog lacks renders nothing', () => {
  const context = { images: { traefik: 'r/berth/traefik:v3.6.12' }, subnetCidr: '10.1.0.0/24' };
  const argsOf = (version: string) => {
    const rendered = renderAddon({ name: 'ingress', version }, context);
    assert.ok('objects' in rendered, version);
    const deployment = rendered.objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    return deployment.spec.template.spec.containers[0]?.args ?? [];
  };
  const drain = (a: string) => a.includes('lifeCycle.requestAcceptGraceTimeout');
  assert.deepEqual(argsOf('3.6.12-berth.2').filter(drain), [
    '--entryPoints.web.transport.lifeCycle.requestAcceptGraceTimeout=10s',
    '--entryPoints.websecure.transport.lifeCycle.requestAcceptGraceTimeout=10s',
  ]);
  assert.deepEqual(argsOf('3.6.12-berth.1').filter(drain), []);
  const gone = renderAddon({ name: 'ingress', version: '3.6' }, context);
  assert.match('missing' in gone ? gone.missing : '', /no version "3\.6".*3\.6\.12-berth\.2/);
});
