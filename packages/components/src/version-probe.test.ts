import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { FakeRunner } from '@berth/exec';
import { probeVersion, versionReported } from './version-probe.js';
import {
  componentOfBinary,
  defaultComponentsDir,
  loadVersionsManifest,
  resolveRelease,
} from './versions.js';

const release = resolveRelease(loadVersionsManifest(defaultComponentsDir()), '1.34');

/**
 * What each binary really printed for its version command on this host (the version numbers
 * replaced by the pinned ones), and what it prints when the version stamp did not apply.
 */
const samples: Record<string, { stamped: (v: string) => string; unstamped?: string }> = {
  kubelet: {
    stamped: (v) => `Kubernetes ${v}\n`,
    unstamped: 'Kubernetes v0.0.0-master+$Format:%H$\n',
  },
  'kube-proxy': {
    stamped: (v) => `Kubernetes ${v}\n`,
    unstamped: 'Kubernetes v0.0.0-master+$Format:%H$\n',
  },
  containerd: {
    stamped: (v) => `containerd github.com/containerd/containerd/v2 ${v} \n`,
    unstamped: `containerd github.com/containerd/containerd/v2 ${release.components.find((c) => c.name === 'containerd')?.version.slice(1)}+unknown \n`,
  },
  'containerd-shim-runc-v2': {
    stamped: (v) =>
      `containerd-shim-runc-v2:\n  Version:  ${v}\n  Revision: \n  Go version: go1.26.8\n\n`,
  },
  ctr: { stamped: (v) => `ctr github.com/containerd/containerd/v2 ${v}\n` },
  runc: {
    stamped: (v) => `runc version ${v.slice(1)}\nspec: 1.3.0\ngo: go1.26.8\nlibseccomp: 2.5.4\n`,
  },
  bridge: {
    stamped: (v) =>
      `CNI bridge plugin ${v}\nCNI protocol versions supported: 0.1.0, 0.2.0, 1.0.0, 1.1.0\n`,
    unstamped: 'CNI bridge plugin version unknown\nCNI protocol versions supported: 1.1.0\n',
  },
  coredns: { stamped: (v) => `CoreDNS-${v.slice(1)}\nlinux/amd64, go1.26.8, \n` },
  registry: {
    stamped: (v) => `registry github.com/distribution/distribution/v3 ${v}\n`,
    unstamped: `registry github.com/distribution/distribution/v3 ${release.components.find((c) => c.name === 'registry')?.version}+unknown\n`,
  },
  pause: { stamped: (v) => `pause.c ${v}\n`, unstamped: 'pause.c HEAD\n' },
  busybox: {
    stamped: (v) =>
      `BusyBox v${v} (Debian 1:${v}-4+deb12u1+b1) multi-call binary.\nBusyBox is copyrighted by many authors\n`,
  },
};

test("every new binary's real version output passes its probe; unstamped output fails", () => {
  for (const [binary, sample] of Object.entries(samples)) {
    const c = componentOfBinary(release, binary);
    const pattern = c.spec.binaries[binary]?.versionPattern;
    assert.ok(versionReported(sample.stamped(c.version), c.version, pattern), `${binary} stamped`);
    if (sample.unstamped !== undefined) {
      assert.ok(!versionReported(sample.unstamped, c.version, pattern), `${binary} unstamped`);
    }
  }
  assert.ok(!versionReported('Kubernetes v1.34.100', 'v1.34.10'));
  assert.ok(!versionReported('etcd Version: 3.6.160', 'v3.6.16'));
});

test("the probe runs each binary's own version command", async () => {
  const expected: Record<string, string[]> = {
    kubelet: ['--version'],
    containerd: ['--version'],
    'containerd-shim-runc-v2': ['-v'],
    runc: ['--version'],
    bridge: [],
    coredns: ['-version'],
    registry: ['--version'],
    pause: ['-v'],
    busybox: ['--help'],
  };
  for (const [binary, args] of Object.entries(expected)) {
    const c = componentOfBinary(release, binary);
    const runner = new FakeRunner(() => ({ stderr: samples[binary]?.stamped(c.version) ?? '' }));
    await probeVersion(runner, c, binary, `/cache/${binary}`);
    assert.deepEqual(runner.calls[0]?.args, args, binary);
  }
});

test('a probe that fails or names another version refuses the binary', async () => {
  const c = componentOfBinary(release, 'containerd');
  const wrong = new FakeRunner(() => ({
    stdout: 'containerd github.com/containerd/containerd/v2 v2.0.0 \n',
  }));
  const refused = (exit: string) => (err: unknown) =>
    err instanceof BerthError &&
    err.code === 'BERTH_ERR_COMPONENT_CORRUPT' &&
    err.message.includes(`does not report version ${c.version}`) &&
    err.message.includes(exit);
  await assert.rejects(probeVersion(wrong, c, 'containerd', '/x'), refused('exited 0'));
  const crashed = new FakeRunner(() => ({ exitCode: 139, stdout: `${c.version}` }));
  await assert.rejects(probeVersion(crashed, c, 'containerd', '/x'), refused('exited 139'));
  const missing = new FakeRunner({ exitCode: 127, stderr: '/x: command not found' });
  await assert.rejects(probeVersion(missing, c, 'containerd', '/x'), refused('exited 127'));
});
