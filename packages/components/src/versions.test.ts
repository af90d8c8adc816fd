import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import {
  componentOfBinary,
  defaultComponentsDir,
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

test('a release carries its own kubernetes and the shared etcd and kwok', () => {
  const names = resolveRelease(manifest, '1.33').components.map((c) => `${c.name}@${c.version}`);
  assert.ok(names.includes(`kubernetes@${manifest.releases['1.33']?.kubernetes?.version}`));
  assert.ok(names.includes(`etcd@${manifest.shared.etcd?.version}`));
  assert.ok(names.includes(`kwok@${manifest.shared.kwok?.version}`));
  assert.ok(names.some((n) => n.startsWith('cluster-autoscaler@v1.33.')));
});

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
      if (c.spec.notBuildable) continue;
      assert.ok(c.module, `${c.name} has a module`);
      assert.ok(existsSync(join(defaultComponentsDir(), c.module, 'go.mod')), `${c.module}/go.mod`);
    }
  }
});

test('binaries map back to their component', () => {
  const release = resolveRelease(manifest, '1.34');
  assert.equal(componentOfBinary(release, 'etcdctl').name, 'etcd');
  assert.equal(componentOfBinary(release, 'kube-scheduler').name, 'kubernetes');
  assert.throws(() => componentOfBinary(release, 'kubelet'), /unknown component binary "kubelet"/);
});

test('a malformed manifest is rejected with what is wrong', () => {
  const base = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  assert.throws(
    () => parseVersionsManifest({ ...base, defaultRelease: '9.9' }),
    /defaultRelease 9.9 unknown/,
  );
  assert.throws(
    () => parseVersionsManifest({ ...base, shared: { containerd: { version: 'v1' } } }),
    /unknown component containerd/,
  );
});

test('tools resolve on their own, each with a wrapper module, and belong to no release', () => {
  const tools = resolveTools(manifest);
  assert.deepEqual(tools.map((c) => c.name).sort(), ['opentofu', 'terraform']);
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
