import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRunner, type FakeCall, type FakeResponse } from '@berth/exec';
import { doctorPassed, requiredGoVersion, runDoctor, compareVersions } from './doctor.js';
import {
  createFakeGo,
  nodeHostAnswer,
  storeWith,
  tempDir,
  versionsByPackage,
} from './test-support.js';
import { defaultComponentsDir } from './versions.js';

/**
 * A healthy host's answers; `missing` lists commands that are not installed, `override` answers
 * first (undefined: the healthy answer).
 */
function hostRunner(
  missing: string[] = [],
  goVersion = 'go1.26.8',
  override: (call: FakeCall) => FakeResponse | undefined = () => undefined,
) {
  return new FakeRunner((call: FakeCall) => {
    const overridden = override(call);
    if (overridden) return overridden;
    if (missing.includes(call.command))
      return { exitCode: 127, stderr: `${call.command}: command not found` };
    const node = nodeHostAnswer(call);
    if (node) return node;
    if (call.command === 'gcc' && call.args[0]?.startsWith('-print-file-name=')) {
      const lib = call.args[0].split('=')[1] ?? '';
      return { stdout: missing.includes(lib) ? `${lib}\n` : `/usr/lib/x86_64-linux-gnu/${lib}\n` };
    }
    const answers: Record<string, string> = {
      uname: 'Linux 6.8.0\n',
      gcc: 'gcc (Debian 12.2.0-14+deb12u1) 12.2.0\n',
      id: '0\n',
      go: `go version ${goVersion} linux/amd64\n`,
      ip: call.args[0] === '-V' ? 'ip utility, iproute2-6.1.0\n' : '',
      nft: 'nftables v1.0.6\n',
      haproxy: 'HAProxy version 2.6.12\n',
      keepalived: 'Keepalived v2.2.7\n',
    };
    return { stdout: answers[call.command] ?? '' };
  });
}

async function fixture(t: { after(fn: () => Promise<void>): void }, installed: boolean) {
  const tmp = await tempDir();
  t.after(tmp.remove);
  const probe = storeWith(
    tmp.dir,
    createFakeGo(() => ''),
  );
  const store = storeWith(
    tmp.dir,
    createFakeGo(versionsByPackage(probe, probe.versions.defaultRelease)),
  );
  if (installed) await store.install(store.versions.defaultRelease);
  return {
    store,
    componentsDir: defaultComponentsDir(),
    hostDepsScript: 'scripts/install-host-deps',
  };
}

test('a healthy host passes every check and deletes its throwaway namespaces', async (t) => {
  const runner = hostRunner();
  const checks = await runDoctor({
    runner,
    ...(await fixture(t, true)),
    netnsName: 'berth-doctor-test',
  });
  assert.deepEqual(
    checks.map((c) => `${c.name}:${c.ok}`),
    [
      'linux:true',
      'root:true',
      'ip:true',
      'netns:true',
      'nft:true',
      'nftables-kernel:true',
      'haproxy:true',
      'keepalived:true',
      'mount-namespace:true',
      'cgroups:true',
      'loop-devices:true',
      'go:true',
      'c-toolchain:true',
      'components:true',
      'node-components:true',
    ],
  );
  assert.ok(doctorPassed(checks));
  const lines = runner.lines();
  assert.ok(lines.includes('ip netns add berth-doctor-test'));
  assert.ok(lines.includes('ip netns delete berth-doctor-test'));
  assert.ok(lines.includes('ip netns delete berth-doctor-test-nft'));
});

test('missing host packages fail with the script that installs them', async (t) => {
  const checks = await runDoctor({
    runner: hostRunner(['haproxy', 'nft']),
    ...(await fixture(t, true)),
  });
  const failed = checks.filter((c) => !c.ok);
  assert.deepEqual(
    failed.map((c) => c.name),
    ['nft', 'haproxy'],
  );
  assert.ok(failed.every((c) => c.required && c.fix === 'scripts/install-host-deps'));
  assert.equal(doctorPassed(checks), false);
});

test('missing components fail with the install command; Go is then required', async (t) => {
  const checks = await runDoctor({ runner: hostRunner(['go']), ...(await fixture(t, false)) });
  const components = checks.find((c) => c.name === 'components');
  assert.equal(components?.ok, false);
  assert.match(components?.fix ?? '', /^berth components install 1\.\d+$/);
  assert.equal(checks.find((c) => c.name === 'go')?.required, true);
  assert.equal(doctorPassed(checks), false);
});

test('without Go but with components installed the doctor still passes', async (t) => {
  const checks = await runDoctor({ runner: hostRunner(['go']), ...(await fixture(t, true)) });
  const go = checks.find((c) => c.name === 'go');
  assert.equal(go?.ok, false);
  assert.equal(go?.required, false);
  assert.ok(doctorPassed(checks));
});

test('building runc and pause needs gcc, static libc and libseccomp; required only while components miss', async (t) => {
  const missing = await runDoctor({
    runner: hostRunner(['libseccomp.a', 'pkg-config']),
    ...(await fixture(t, false)),
  });
  const c = missing.find((x) => x.name === 'c-toolchain');
  assert.equal(c?.ok, false);
  assert.equal(c?.required, true);
  assert.match(c?.detail ?? '', /libseccomp\.a, pkg-config libseccomp/);
  assert.match(c?.fix ?? '', /install-host-deps.*libseccomp-dev/);
  const noGcc = await runDoctor({ runner: hostRunner(['gcc']), ...(await fixture(t, true)) });
  const g = noGcc.find((x) => x.name === 'c-toolchain');
  assert.equal(g?.ok, false);
  assert.match(g?.detail ?? '', /gcc/);
  assert.equal(g?.required, false, 'everything is built: no compiler needed');
  assert.ok(doctorPassed(noGcc));
});

test('missing node binaries fail node-components alone, with the node install command', async (t) => {
  const f = await fixture(t, false);
  await f.store.install('1.37', {
    only: ['control-plane', 'simulated', 'images', 'platform', 'autoscaler'],
  });
  const checks = await runDoctor({ runner: hostRunner(), ...f });
  const components = checks.find((c) => c.name === 'components');
  assert.equal(components?.ok, true, 'a node binary miss is reported once');
  const node = checks.find((c) => c.name === 'node-components');
  assert.equal(node?.ok, false);
  for (const binary of ['containerd-shim-runc-v2', 'runc', 'portmap', 'kubelet', 'kube-proxy'])
    assert.match(node?.detail ?? '', new RegExp(`${binary} missing`));
  assert.doesNotMatch(node?.detail ?? '', /etcd|pause|coredns/);
  assert.equal(node?.fix, 'berth components install 1.37 --only node');
  assert.equal(checks.find((c) => c.name === 'go')?.required, true, 'Go builds them');
});

test('node-components names every node binary when they are installed', async (t) => {
  const f = await fixture(t, false);
  await f.store.install('1.37', { only: ['node'] });
  const checks = await runDoctor({ runner: hostRunner(), ...f });
  const node = checks.find((c) => c.name === 'node-components');
  assert.equal(node?.ok, true);
  assert.match(
    node?.detail ?? '',
    /kubelet, kube-proxy, containerd, containerd-shim-runc-v2, ctr, runc, bridge, host-local, loopback, portmap installed/,
  );
  const components = checks.find((c) => c.name === 'components');
  assert.equal(components?.ok, false);
  assert.match(components?.detail ?? '', /etcd missing \(control-plane\)/);
  assert.doesNotMatch(components?.detail ?? '', /kubelet|runc/);
  assert.equal(components?.fix, 'berth components install 1.37');
});

test('a Go older than the modules need is a miss', async (t) => {
  const checks = await runDoctor({
    runner: hostRunner([], 'go1.21.0'),
    ...(await fixture(t, false)),
  });
  const go = checks.find((c) => c.name === 'go');
  assert.equal(go?.ok, false);
  assert.match(go?.fix ?? '', /install Go ≥ 1\.\d+/);
});

test('not root and no netns are reported', async (t) => {
  const runner = hostRunner([], 'go1.26.8', (call) => {
    if (call.command === 'id') return { stdout: '1000\n' };
    if (call.command === 'ip' && call.args[0] === 'netns')
      return { exitCode: 1, stderr: 'Permission denied' };
    return undefined;
  });
  const checks = await runDoctor({ runner, ...(await fixture(t, true)) });
  assert.deepEqual(
    checks.filter((c) => !c.ok).map((c) => c.name),
    ['root', 'netns', 'nftables-kernel'],
  );
});

test('the Go version needed is the highest go directive of the wrapper modules', async () => {
  const needed = await requiredGoVersion(defaultComponentsDir());
  assert.match(needed, /^1\.\d+/);
  assert.ok(compareVersions(needed, '1.24') >= 0);
  assert.equal(compareVersions('1.26.0', '1.26'), 0);
  assert.ok(compareVersions('1.9', '1.10') < 0);
});
