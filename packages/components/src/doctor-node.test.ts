import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRunner, type FakeCall, type FakeResponse } from '@berth/exec';
import {
  checkCgroups,
  checkLoopDevices,
  checkMountNamespace,
  checkNftablesKernel,
  NFT_PROBE_RULESET,
  v1Controllers,
} from './doctor-node.js';
import type { DoctorDeps } from './doctor-probe.js';
import type { ComponentStore } from './store.js';
import { MOUNTINFO_V1, nodeHostAnswer } from './test-support.js';

const HOST_DEPS = 'scripts/install-host-deps';

/** A node-ready host, except where `override` answers (undefined: the healthy answer). */
function node(override: (line: string) => FakeResponse | undefined = () => undefined) {
  const runner = new FakeRunner(
    (call: FakeCall) => override([call.command, ...call.args].join(' ')) ?? nodeHostAnswer(call),
  );
  // The node probes read no component store.
  const deps: DoctorDeps = {
    runner,
    store: {} as ComponentStore,
    componentsDir: '/nonexistent',
    hostDepsScript: HOST_DEPS,
    netnsName: 'berth-doctor-test',
  };
  return { runner, deps };
}

test('mount-namespace: unshare of a private mount namespace', async () => {
  const ok = node();
  assert.deepEqual(await checkMountNamespace(ok.deps), {
    name: 'mount-namespace',
    ok: true,
    required: true,
    detail: 'created a private mount namespace',
  });
  assert.deepEqual(ok.runner.lines(), ['unshare --mount --propagation private true']);

  const denied = await checkMountNamespace(
    node((l) =>
      l.startsWith('unshare')
        ? { exitCode: 1, stderr: 'unshare: unshare failed: Operation not permitted' }
        : undefined,
    ).deps,
  );
  assert.equal(denied.ok, false);
  assert.match(denied.detail, /Operation not permitted/);
  assert.match(denied.fix ?? '', /root.*install-host-deps \(util-linux\)/);
});

test('cgroups v1: the controllers mounted under /sys/fs/cgroup; hugetlb only noted', async () => {
  const check = await checkCgroups(node().deps);
  assert.equal(check.ok, true);
  assert.equal(
    check.detail,
    'cgroup v1: cpu, cpuacct, cpuset, memory, pids, devices, freezer; hugetlb (optional) not mounted',
  );
  assert.equal(check.fix, undefined);
});

test('cgroups v1: missing required controllers are named with the mount that adds them', async () => {
  const withoutPidsFreezer = MOUNTINFO_V1.split('\n')
    .filter((l) => !/\/(pids|freezer) /.test(l))
    .join('\n');
  const check = await checkCgroups(
    node((l) => (l === 'cat /proc/self/mountinfo' ? { stdout: withoutPidsFreezer } : undefined))
      .deps,
  );
  assert.equal(check.ok, false);
  assert.equal(
    check.detail,
    'cgroup v1: kubelet needs pids, freezer, missing under /sys/fs/cgroup',
  );
  assert.match(check.fix ?? '', /mount -t cgroup -o pids cgroup \/sys\/fs\/cgroup\/pids/);
});

test('cgroups v2: read from cgroup.controllers; cpuacct, devices, freezer are not asked', async () => {
  const v2 = (controllers: string) =>
    node((l) =>
      l === 'cat /sys/fs/cgroup/cgroup.controllers' ? { stdout: `${controllers}\n` } : undefined,
    );
  const full = v2('cpuset cpu io memory hugetlb pids rdma misc');
  const ok = await checkCgroups(full.deps);
  assert.equal(ok.ok, true);
  assert.equal(ok.detail, 'cgroup v2: cpu, cpuset, memory, pids');
  assert.ok(!full.runner.lines().includes('cat /proc/self/mountinfo'));

  const noHugetlb = await checkCgroups(v2('cpuset cpu memory pids').deps);
  assert.equal(noHugetlb.ok, true, 'hugetlb is optional');
  assert.match(noHugetlb.detail, /; hugetlb \(optional\) not available$/);

  const missing = await checkCgroups(v2('cpu io memory').deps);
  assert.equal(missing.ok, false);
  assert.equal(
    missing.detail,
    'cgroup v2: kubelet needs cpuset, pids, missing under /sys/fs/cgroup',
  );
  assert.match(missing.fix ?? '', /cgroup_disable=/);
});

test('v1Controllers reads cgroup v1 mounts under /sys/fs/cgroup only', () => {
  const elsewhere = '50 31 0:40 / /mnt/cg rw,relatime - cgroup cgroup rw,hugetlb';
  const joined = '51 31 0:41 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct';
  assert.deepEqual(v1Controllers(`${elsewhere}\n${joined}\n`), ['cpu', 'cpuacct']);
  assert.deepEqual(v1Controllers(MOUNTINFO_V1), [
    'cpu',
    'cpuacct',
    'cpuset',
    'memory',
    'devices',
    'freezer',
    'blkio',
    'pids',
  ]);
});

test('loop-devices: a free loop device and mkfs.ext4', async () => {
  const ok = node();
  const check = await checkLoopDevices(ok.deps);
  assert.equal(check.ok, true);
  assert.equal(check.detail, 'free loop device /dev/loop0; mke2fs 1.47.0 (5-Feb-2023)');
  assert.deepEqual(ok.runner.lines(), ['losetup --find', 'mkfs.ext4 -V']);
});

test('loop-devices: no free device says load the module; missing tools name their packages', async () => {
  const noDevice = await checkLoopDevices(
    node((l) =>
      l.startsWith('losetup')
        ? { exitCode: 1, stderr: 'losetup: cannot find an unused loop device' }
        : undefined,
    ).deps,
  );
  assert.equal(noDevice.ok, false);
  assert.match(noDevice.detail, /losetup --find: losetup: cannot find an unused loop device/);
  assert.match(noDevice.fix ?? '', /^modprobe loop/);

  const notInstalled = await checkLoopDevices(
    node((l) =>
      l.startsWith('losetup') || l.startsWith('mkfs.ext4')
        ? { exitCode: 127, stderr: `${l.split(' ')[0]}: command not found` }
        : undefined,
    ).deps,
  );
  assert.equal(notInstalled.ok, false);
  assert.equal(
    notInstalled.detail,
    'node root disks need losetup --find: losetup: command not found; mkfs.ext4: mkfs.ext4: command not found',
  );
  assert.equal(notInstalled.fix, `${HOST_DEPS} (mount); ${HOST_DEPS} (e2fsprogs)`);
});

test('nftables-kernel: a kube-proxy-like ruleset in a throwaway netns, then both deleted', async () => {
  const ok = node();
  const check = await checkNftablesKernel(ok.deps);
  assert.equal(check.ok, true);
  assert.deepEqual(ok.runner.lines(), [
    'ip netns add berth-doctor-test-nft',
    'ip netns exec berth-doctor-test-nft nft -f -',
    'ip netns exec berth-doctor-test-nft nft delete table inet berth-doctor',
    'ip netns delete berth-doctor-test-nft',
  ]);
  assert.equal(ok.runner.calls[1]?.options.input, NFT_PROBE_RULESET);
  assert.match(NFT_PROBE_RULESET, /comment ".*"/);
  assert.match(NFT_PROBE_RULESET, /ct state new fib daddr type local numgen random mod 2 vmap/);
});

test('nftables-kernel: a ruleset the kernel refuses fails, and the namespace still goes', async () => {
  const refused = node((l) =>
    l.endsWith('nft -f -')
      ? { exitCode: 1, stderr: 'Error: Could not process rule: No such file or directory\n' }
      : undefined,
  );
  const check = await checkNftablesKernel(refused.deps);
  assert.equal(check.ok, false);
  assert.match(check.detail, /^nft -f: Error: Could not process rule/);
  assert.match(check.fix ?? '', /5\.13.*nf_conntrack.*install-host-deps \(nftables\)/);
  assert.equal(refused.runner.lines().at(-1), 'ip netns delete berth-doctor-test-nft');
  assert.ok(!refused.runner.lines().some((l) => l.includes('delete table')));
});

test('nftables-kernel: no namespace, nothing to delete', async () => {
  const noNetns = node((l) =>
    l.startsWith('ip netns add') ? { exitCode: 1, stderr: 'Permission denied' } : undefined,
  );
  const check = await checkNftablesKernel(noNetns.deps);
  assert.equal(check.ok, false);
  assert.equal(check.detail, 'no throwaway namespace to test in: ip netns add: Permission denied');
  assert.match(check.fix ?? '', /netns check/);
  assert.deepEqual(noNetns.runner.lines(), ['ip netns add berth-doctor-test-nft']);
});

test('nftables-kernel: the namespace goes even when nft cannot be run at all', async () => {
  const runner = new FakeRunner((call: FakeCall) => {
    if (call.args.includes('exec')) throw new Error('spawn ip EACCES');
    return {};
  });
  await assert.rejects(checkNftablesKernel({ ...node().deps, runner }), /EACCES/);
  assert.equal(runner.lines().at(-1), 'ip netns delete berth-doctor-test-nft');
});
