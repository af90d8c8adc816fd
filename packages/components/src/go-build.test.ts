import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBuildArgs, goBuildEnv, renderLdflags } from './go-build.js';
import { gccArgs } from './native-build.js';
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

const release = () => resolveRelease(loadVersionsManifest(defaultComponentsDir()), '1.34');

test('kubelet and kube-proxy are stamped exactly like the control plane', () => {
  const r = release();
  const k = componentOfBinary(r, 'kubelet');
  const ldflags = (b: string) => goBuildArgs(k, b, `/o/${b}`, date)[3];
  assert.equal(ldflags('kubelet'), ldflags('kube-apiserver'));
  assert.equal(ldflags('kube-proxy'), ldflags('kube-apiserver'));
  assert.equal(
    goBuildArgs(k, 'kubelet', '/o/kubelet', date).at(-1),
    'k8s.io/kubernetes/cmd/kubelet',
  );
  assert.deepEqual(goBuildEnv(k), { CGO_ENABLED: '0', GOTOOLCHAIN: 'local' });
});

test('containerd is static without the cgo-only snapshotters, its shim without gRPC', () => {
  const c = componentOfBinary(release(), 'containerd');
  const args = goBuildArgs(c, 'containerd', '/o/containerd', date);
  const tags = (a: string[]) => (a[a.indexOf('-tags') + 1] ?? '').split(',');
  for (const tag of ['no_btrfs', 'no_devmapper', 'no_zfs', 'osusergo', 'netgo']) {
    assert.ok(tags(args).includes(tag), tag);
  }
  assert.ok(!tags(args).includes('no_grpc'));
  assert.ok(tags(goBuildArgs(c, 'containerd-shim-runc-v2', '/o/s', date)).includes('no_grpc'));
  assert.match(
    args[args.indexOf('-ldflags') + 1] ?? '',
    new RegExp(`-X github.com/containerd/containerd/v2/version.Version=${c.version}( |$)`),
  );
  assert.deepEqual(goBuildEnv(c), { CGO_ENABLED: '0', GOTOOLCHAIN: 'local' });
});

test('runc needs cgo (nsenter) and links static-pie with libseccomp', () => {
  const c = componentOfBinary(release(), 'runc');
  const args = goBuildArgs(c, 'runc', '/o/runc', date);
  assert.deepEqual(goBuildEnv(c), { CGO_ENABLED: '1', GOTOOLCHAIN: 'local' });
  assert.ok(args.includes('-buildmode=pie'));
  assert.ok((args[args.indexOf('-tags') + 1] ?? '').split(',').includes('seccomp'));
  assert.match(
    args[args.indexOf('-ldflags') + 1] ?? '',
    /-linkmode external -extldflags -static-pie/,
  );
});

test('CNI plugins, CoreDNS and the registry are stamped with their versions', () => {
  const r = release();
  const ld = (b: string) => {
    const args = goBuildArgs(componentOfBinary(r, b), b, `/o/${b}`, date);
    return args[args.indexOf('-ldflags') + 1] ?? '';
  };
  const v = (b: string) => componentOfBinary(r, b).version;
  assert.ok(ld('bridge').includes(`buildversion.BuildVersion=${v('bridge')}`));
  assert.ok(ld('registry').includes(`distribution/v3/version.version=${v('registry')}`));
  // CoreDNS's version is a constant of its module: nothing to stamp.
  assert.equal(ld('coredns'), '-s -w');
});

test("pause is upstream's pause.c, compiled static with its version define", () => {
  const pause = componentOfBinary(release(), 'pause');
  assert.deepEqual(gccArgs(pause, '/o/pause', '/mod/build/pause/linux/pause.c', date), [
    '-Os',
    '-Wall',
    '-Werror',
    '-static',
    '-s',
    `-DVERSION=${pause.version}`,
    '-o',
    '/o/pause',
    '/mod/build/pause/linux/pause.c',
  ]);
  assert.deepEqual(pause.spec.binaries.pause?.source, {
    module: 'k8s.io/kubernetes',
    file: 'build/pause/linux/pause.c',
  });
});
