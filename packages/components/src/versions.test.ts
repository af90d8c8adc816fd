import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import {
  componentOfBinary,
  defaultComponentsDir,
  expandOnly,
  isBuildable,
  loadVersionsManifest,
  parseVersionsManifest,
  resolveRelease,
  resolveTools,
  toolOfBinary,
} from './versions.js';

const manifest = loadVersionsManifest(defaultComponentsDir());

test('minor, patch and v-prefixed patch resolve to the same release', () => {
  const minor = resolveRelease(manifest, '1.34');
  assert.equal(minor.minor, '1.34');
  assert.match(minor.kubernetesVersion, /^v1\.34\.\d+$/);
  const patch = minor.kubernetesVersion;
  assert.deepEqual(resolveRelease(manifest, patch), minor);
  assert.deepEqual(resolveRelease(manifest, patch.slice(1)), minor);
  assert.equal(resolveRelease(manifest, 'default').minor, manifest.defaultRelease);
});

test('a release carries its own kubernetes and etcd, and the shared kwok', () => {
  const names = resolveRelease(manifest, '1.35').components.map((c) => `${c.name}@${c.version}`);
  assert.ok(names.includes(`kubernetes@${manifest.releases['1.35']?.kubernetes?.version}`));
  assert.ok(names.includes(`etcd@${manifest.releases['1.35']?.etcd?.version}`));
  assert.ok(names.includes(`kwok@${manifest.shared.kwok?.version}`));
  // cluster-autoscaler: the one tag the module proxy serves, as its pseudo-version, for all.
  assert.ok(names.includes('cluster-autoscaler@v0.0.0-20250613073258-1959f5f61f6c'));
});

test("etcd follows kubeadm's line per minor: 3.6 up to 1.36, 3.7 from 1.37", () => {
  const etcd = (minor: string) => componentOfBinary(resolveRelease(manifest, minor), 'etcd');
  for (const minor of ['1.34', '1.35', '1.36']) assert.match(etcd(minor).version, /^v3\.6\./);
  assert.match(etcd('1.37').version, /^v3\.7\./);
  assert.equal(etcd('1.37').module, 'etcd-3.7');
  assert.equal(manifest.shared.etcd, undefined, 'etcd is no longer shared');
});

test('the default is the newest release and every release has an end-of-support date', () => {
  const minors = Object.keys(manifest.releases).sort((a, b) => minorNumber(b) - minorNumber(a));
  assert.equal(manifest.defaultRelease, minors[0]);
  for (const minor of minors) {
    assert.match(manifest.endOfSupport[minor] ?? '', /^\d{4}-\d{2}-\d{2}$/, minor);
  }
  const base = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  assert.throws(
    () => parseVersionsManifest({ ...base, endOfSupport: { '1.34': '2026-10-27' } }),
    /release 1\.3[5-9] has no endOfSupport date/,
  );
  assert.throws(
    () =>
      parseVersionsManifest({
        ...base,
        endOfSupport: { ...manifest.endOfSupport, '1.34': 'October 2026' },
      }),
    /release 1\.34 has no endOfSupport date \(YYYY-MM-DD\)/,
  );
});

function minorNumber(minor: string): number {
  return Number(minor.split('.')[1]);
}

test('unknown versions fail with the supported list', () => {
  for (const bad of ['1.20', '1.34.0', 'latest', 'v2']) {
    assert.throws(
      () => resolveRelease(manifest, bad),
      (err: unknown) =>
        err instanceof BerthError &&
        err.code === 'BERTH_ERR_VALIDATION' &&
        err.field === 'version' &&
        err.message.includes('1.34 (') &&
        err.message.includes('default'),
    );
  }
});

test('every buildable component points at a wrapper module that exists', () => {
  for (const minor of Object.keys(manifest.releases)) {
    for (const c of resolveRelease(manifest, minor).components) {
      if (c.spec.notBuildable || c.spec.builder === 'deb') continue;
      assert.ok(c.module, `${c.name} has a module`);
      assert.ok(existsSync(join(defaultComponentsDir(), c.module, 'go.mod')), `${c.module}/go.mod`);
    }
  }
});

test('binaries map back to their component', () => {
  const release = resolveRelease(manifest, '1.34');
  assert.equal(componentOfBinary(release, 'etcdctl').name, 'etcd');
  assert.equal(componentOfBinary(release, 'kube-scheduler').name, 'kubernetes');
  assert.throws(() => componentOfBinary(release, 'dockerd'), /unknown component binary "dockerd"/);
});

test("a real node's binaries resolve: kubelet and kube-proxy with the control plane's version", () => {
  for (const minor of Object.keys(manifest.releases)) {
    const release = resolveRelease(manifest, minor);
    for (const b of ['kubelet', 'kube-proxy', 'kube-apiserver']) {
      const c = componentOfBinary(release, b);
      assert.equal(c.name, 'kubernetes');
      assert.equal(c.version, release.kubernetesVersion, `${b} follows the control plane`);
    }
    const of = (b: string) => componentOfBinary(release, b);
    assert.equal(of('containerd-shim-runc-v2').name, 'containerd');
    assert.equal(of('ctr').name, 'containerd');
    assert.equal(of('runc').name, 'runc');
    for (const p of ['bridge', 'host-local', 'loopback', 'portmap']) {
      assert.equal(of(p).name, 'cni-plugins');
    }
    // pause is built from the release's own k8s.io/kubernetes module; CoreDNS is pinned per minor.
    assert.equal(of('pause').module, `kubernetes-${minor}`);
    assert.equal(of('pause').spec.builder, 'gcc');
    assert.ok(manifest.releases[minor]?.coredns, `coredns pinned by release ${minor}`);
    assert.equal(of('busybox').spec.builder, 'deb');
    assert.equal(of('registry').name, 'registry');
    for (const c of release.components) {
      assert.ok(isBuildable(c), `${c.name} buildable`);
    }
  }
  // containerd 2.x: the only line upstream recommends for every kubelet 1.34–1.37 (RELEASES.md).
  assert.match(manifest.shared.containerd?.version ?? '', /^v2\./);
});

test('--only takes binaries and named sets; unknown names are refused', () => {
  const node = expandOnly(manifest, ['node']);
  for (const b of ['kubelet', 'kube-proxy', 'containerd', 'containerd-shim-runc-v2', 'runc']) {
    assert.ok(node.includes(b), b);
  }
  assert.ok(!node.includes('kube-apiserver'));
  assert.deepEqual(expandOnly(manifest, ['etcd', ' etcd ', '']), ['etcd']);
  const mixed = expandOnly(manifest, ['control-plane', 'kwok']);
  assert.ok(mixed.includes('kube-scheduler') && mixed.includes('kwok'));
  assert.throws(
    () => expandOnly(manifest, ['kubelett']),
    (err: unknown) =>
      err instanceof BerthError &&
      err.field === 'only' &&
      /"kubelett".*sets: control-plane, node/.test(err.message),
  );
  // Every buildable binary is in some set, so `--only` of all sets installs everything.
  const all = new Set(expandOnly(manifest, Object.keys(manifest.sets ?? {})));
  for (const c of resolveRelease(manifest, '1.34').components) {
    if (!isBuildable(c)) continue;
    for (const b of Object.keys(c.spec.binaries)) assert.ok(all.has(b), `${b} is in a set`);
  }
});

test('a malformed manifest is rejected with what is wrong', () => {
  const base = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  assert.throws(
    () => parseVersionsManifest({ ...base, defaultRelease: '9.9' }),
    /defaultRelease 9.9 unknown/,
  );
  assert.throws(
    () => parseVersionsManifest({ ...base, shared: { dockerd: { version: 'v1' } } }),
    /unknown component dockerd/,
  );
  const components = base.components as Record<string, Record<string, unknown>>;
  assert.throws(
    () =>
      parseVersionsManifest({
        ...base,
        components: { ...components, pause: { ...components.pause, builder: 'make' } },
      }),
    /pause: unknown builder make/,
  );
  assert.throws(
    () =>
      parseVersionsManifest({
        ...base,
        components: {
          ...components,
          busybox: { builder: 'deb', binaries: { busybox: { versionArgs: [] } } },
        },
      }),
    /busybox\/busybox: builder deb lacks its package or source/,
  );
  assert.throws(
    () => parseVersionsManifest({ ...base, sets: { node: ['kubelet', 'dockerd'] } }),
    /set node names unknown binaries dockerd/,
  );
  assert.throws(
    () => parseVersionsManifest({ ...base, sets: { runc: ['runc'] } }),
    /set runc has the name of a binary/,
  );
});

test('tools resolve on their own, each with a wrapper module, and belong to no release', () => {
  const tools = resolveTools(manifest);
  assert.deepEqual(tools.map((c) => c.name).sort(), [
    'crane',
    'csi-sanity',
    'opentofu',
    'terraform',
  ]);
  for (const c of tools) {
    assert.match(c.version, /^v\d+\.\d+\.\d+$/);
    assert.ok(existsSync(join(defaultComponentsDir(), c.module ?? '-', 'go.mod')), `${c.module}`);
  }
  assert.equal(toolOfBinary(manifest, 'tofu')?.name, 'opentofu');
  assert.equal(toolOfBinary(manifest, 'etcd'), undefined);
  for (const minor of Object.keys(manifest.releases)) {
    const names = resolveRelease(manifest, minor).components.map((c) => c.name);
    assert.ok(!names.includes('opentofu') && !names.includes('terraform'), minor);
  }
  const base = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  assert.throws(
    () => parseVersionsManifest({ ...base, tools: { pulumi: { version: 'v3' } } }),
    /tools pins unknown component pulumi/,
  );
});
