/**
 * `berth doctor`'s probes for what a real worker node needs from this host. A local server is a
 * network namespace, a private mount namespace and a cgroup `/<prefix>servers/<id>` in every
 * hierarchy, running containerd, runc, the CNI plugins, kubelet and kube-proxy (nftables mode);
 * its state lives on a loop-mounted ext4 disk. Files are read with `cat` through the runner, so
 * unit tests answer them with the fake.
 */
import {
  firstLine,
  probeCommand,
  throwawayNetnsName,
  type DoctorCheck,
  type DoctorDeps,
} from './doctor-probe.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * What kubelet (cgroupfs driver) and runc need per hierarchy kind. On v2 cpuacct is part of cpu,
 * devices is an eBPF program and freezer is `cgroup.freeze`, so they are no controllers there.
 * hugetlb is optional: kubelet skips huge page accounting without it.
 */
const REQUIRED_CONTROLLERS = {
  v1: ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'devices', 'freezer'],
  v2: ['cpu', 'cpuset', 'memory', 'pids'],
} as const;
const OPTIONAL_CONTROLLERS = ['hugetlb'];

/** `ip netns exec`'s throwaway table, one line per kernel feature kube-proxy's rules use. */
export const NFT_PROBE_TABLE = 'berth-doctor';
export const NFT_PROBE_RULESET = `add table inet ${NFT_PROBE_TABLE} { comment "berth doctor: kube-proxy nftables mode"; }
add chain inet ${NFT_PROBE_TABLE} endpoint-a
add chain inet ${NFT_PROBE_TABLE} endpoint-b
add chain inet ${NFT_PROBE_TABLE} services { type nat hook prerouting priority dstnat; }
add rule inet ${NFT_PROBE_TABLE} services ct state new fib daddr type local numgen random mod 2 vmap { 0 : goto endpoint-a, 1 : goto endpoint-b }
add rule inet ${NFT_PROBE_TABLE} endpoint-a meta l4proto tcp dnat ip to 10.0.0.1:80
`;

/** Each server's daemons share a private mount namespace (`unshare --mount=<file>`). */
export async function checkMountNamespace({
  runner,
  hostDepsScript,
}: DoctorDeps): Promise<DoctorCheck> {
  const r = await probeCommand(runner, 'unshare', ['--mount', '--propagation', 'private', 'true']);
  const ok = r.exitCode === 0;
  return {
    name: 'mount-namespace',
    ok,
    required: true,
    detail: ok
      ? 'created a private mount namespace'
      : `unshare --mount --propagation private failed: ${firstLine(r)}`,
    ...(ok
      ? {}
      : {
          fix: `run as root (CAP_SYS_ADMIN) on a kernel with mount namespaces; ${hostDepsScript} (util-linux)`,
        }),
  };
}

/** The controllers kubelet and runc need, v2 from cgroup.controllers, v1 from the mounts. */
export async function checkCgroups({ runner }: DoctorDeps): Promise<DoctorCheck> {
  const v2 = await probeCommand(runner, 'cat', [`${CGROUP_ROOT}/cgroup.controllers`]);
  const mode = v2.exitCode === 0 ? 'v2' : 'v1';
  const available =
    mode === 'v2'
      ? v2.stdout.trim().split(/\s+/)
      : v1Controllers((await probeCommand(runner, 'cat', ['/proc/self/mountinfo'])).stdout);
  const missing = REQUIRED_CONTROLLERS[mode].filter((c) => !available.includes(c));
  const absentOptional = OPTIONAL_CONTROLLERS.filter((c) => !available.includes(c));
  const ok = missing.length === 0;
  const absentAs = mode === 'v1' ? 'not mounted' : 'not available';
  const optionalNote = absentOptional.map((c) => `; ${c} (optional) ${absentAs}`).join('');
  return {
    name: 'cgroups',
    ok,
    required: true,
    detail: ok
      ? `cgroup ${mode}: ${REQUIRED_CONTROLLERS[mode].join(', ')}${optionalNote}`
      : `cgroup ${mode}: kubelet needs ${missing.join(', ')}, missing under ${CGROUP_ROOT}`,
    ...(ok ? {} : { fix: cgroupFix(mode, missing) }),
  };
}

function cgroupFix(mode: 'v1' | 'v2', missing: string[]): string {
  if (mode === 'v2')
    return 'boot a kernel with these controllers enabled (no cgroup_disable= on its command line)';
  const example = missing[0] ?? 'pids';
  return `mount each under ${CGROUP_ROOT} (mount -t cgroup -o ${example} cgroup ${CGROUP_ROOT}/${example}), or boot with cgroup v2`;
}

/**
 * Controllers of the v1 hierarchies mounted under /sys/fs/cgroup, from mountinfo's super
 * options (`… - cgroup cgroup rw,cpu,cpuacct`). Servers get groups only in those hierarchies.
 */
export function v1Controllers(mountinfo: string): string[] {
  const controllers: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    const mountPoint = before?.split(' ')[4] ?? '';
    const [fsType, , superOptions] = after?.split(' ') ?? [];
    if (fsType !== 'cgroup' || !mountPoint.startsWith(`${CGROUP_ROOT}/`)) continue;
    controllers.push(
      ...(superOptions ?? '').split(',').filter((o) => !/^(rw|ro|name=.*)$/.test(o)),
    );
  }
  return controllers;
}

/** A node's root disk is a sparse file on a loop device, formatted with mkfs.ext4. */
export async function checkLoopDevices({
  runner,
  hostDepsScript,
}: DoctorDeps): Promise<DoctorCheck> {
  const loop = await probeCommand(runner, 'losetup', ['--find']);
  const mkfs = await probeCommand(runner, 'mkfs.ext4', ['-V']);
  const misses: string[] = [];
  const fixes: string[] = [];
  if (loop.exitCode === 127) fixes.push(`${hostDepsScript} (mount)`);
  else if (loop.exitCode !== 0) fixes.push('modprobe loop (a container needs /dev/loop-control)');
  if (loop.exitCode !== 0) misses.push(`losetup --find: ${firstLine(loop)}`);
  if (mkfs.exitCode !== 0) {
    misses.push(`mkfs.ext4: ${firstLine(mkfs)}`);
    fixes.push(`${hostDepsScript} (e2fsprogs)`);
  }
  const ok = misses.length === 0;
  return {
    name: 'loop-devices',
    ok,
    required: true,
    detail: ok
      ? `free loop device ${firstLine(loop)}; ${firstLine(mkfs)}`
      : `node root disks need ${misses.join('; ')}`,
    ...(ok ? {} : { fix: fixes.join('; ') }),
  };
}

/**
 * kube-proxy's nftables mode needs more of the kernel than `nft --version` shows: table comments
 * (5.13+, kube-proxy's own version test), conntrack, fib, numgen and verdict maps. The ruleset is
 * loaded in a throwaway network namespace, so the host's tables are never touched; the table and
 * the namespace are deleted whatever happens.
 */
export async function checkNftablesKernel(deps: DoctorDeps): Promise<DoctorCheck> {
  const name = throwawayNetnsName(deps, '-nft');
  const add = await probeCommand(deps.runner, 'ip', ['netns', 'add', name]);
  if (add.exitCode !== 0)
    return {
      name: 'nftables-kernel',
      ok: false,
      required: true,
      detail: `no throwaway namespace to test in: ip netns add: ${firstLine(add)}`,
      fix: 'run as root (CAP_SYS_ADMIN); see the netns check',
    };
  let why: string;
  try {
    why = await loadProbeRuleset(deps, name);
  } finally {
    await probeCommand(deps.runner, 'ip', ['netns', 'delete', name]);
  }
  const ok = why === '';
  const fix = `a kernel ≥ 5.13 with nf_tables, nf_conntrack, nft_fib, nft_numgen, nft_nat (modprobe them); ${deps.hostDepsScript} (nftables)`;
  return {
    name: 'nftables-kernel',
    ok,
    required: true,
    detail: ok
      ? 'loaded and deleted a kube-proxy-like ruleset (nat, conntrack, fib, numgen, vmap)'
      : why,
    ...(ok ? {} : { fix }),
  };
}

/** Loads and deletes the probe table in namespace `netns`; '' when both worked, else why not. */
async function loadProbeRuleset({ runner }: DoctorDeps, netns: string): Promise<string> {
  const nft = (args: string[], input?: string) =>
    probeCommand(runner, 'ip', ['netns', 'exec', netns, 'nft', ...args], input);
  const load = await nft(['-f', '-'], NFT_PROBE_RULESET);
  if (load.exitCode !== 0) return `nft -f: ${load.stderr.trim().split('\n').slice(0, 3).join(' ')}`;
  const del = await nft(['delete', 'table', 'inet', NFT_PROBE_TABLE]);
  return del.exitCode === 0 ? '' : `nft delete table: ${firstLine(del)}`;
}
