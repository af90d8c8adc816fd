import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBuildArgs, renderLdflags } from './go-build.js';
import {
  componentOfBinary,
  defaultComponentsDir,
  loadVersionsManifest,
  resolveRelease,
} from './versions.js';

const date = new Date('2026-03-04T05:06:07.890Z');

test('ldflags templates get version parts and an RFC 3339 build date', () => {
  const flags = renderLdflags(
    [
      '-s',
      '-X a.v={version}',
      '-X a.b={bareVersion}',
      '-X a.M={major}',
      '-X a.m={minorNumber}',
      '-X a.d={buildDate}',
    ],
    { version: 'v1.34.10', buildDate: date },
  );
  assert.equal(
    flags,
    '-s -X a.v=v1.34.10 -X a.b=1.34.10 -X a.M=1 -X a.m=34 -X a.d=2026-03-04T05:06:07Z',
  );
  assert.throws(
    () => renderLdflags(['{nope}'], { version: 'v1', buildDate: date }),
    /unknown \{nope\}/,
  );
});

test('kube-apiserver is built static-path, stripped and version-stamped', () => {
  const release = resolveRelease(loadVersionsManifest(defaultComponentsDir()), '1.34');
  const k = componentOfBinary(release, 'kube-apiserver');
  const v = k.version;
  assert.deepEqual(goBuildArgs(k, 'kube-apiserver', '/out/kube-apiserver', date), [
    'build',
    '-trimpath',
    '-ldflags',
    `-s -w -X k8s.io/component-base/version.gitVersion=${v} -X k8s.io/component-base/version.gitMajor=1 ` +
      `-X k8s.io/component-base/version.gitMinor=34 -X k8s.io/component-base/version.gitTreeState=clean ` +
      `-X k8s.io/component-base/version.buildDate=2026-03-04T05:06:07Z`,
    '-o',
    '/out/kube-apiserver',
    'k8s.io/kubernetes/cmd/kube-apiserver',
  ]);
});

test('kwok gets its release version without the v prefix', () => {
  const release = resolveRelease(loadVersionsManifest(defaultComponentsDir()), '1.34');
  const kwok = componentOfBinary(release, 'kwok');
  const args = goBuildArgs(kwok, 'kwok', '/o/kwok', date);
  assert.ok(args[3]?.includes(`sigs.k8s.io/kwok/pkg/consts.Version=${kwok.version.slice(1)}`));
});
