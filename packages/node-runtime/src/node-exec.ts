/**
 * `node-exec`: the shell script every daemon of a real node starts through (`sh
 * etc/berth/node-exec <daemon argv>`, from the server's root). It makes the node's filesystem
 * what its daemons expect, then execs the daemon, so a restarted daemon finds it in place and
 * the first one to start builds it (under a lock):
 *
 * - with a root disk (the node group's volume, a block device the provider shows in the
 *   server), the disk formatted on first use and mounted, holding the node's kubelet, containerd, CNI and pod-log directories;
 * - the node's own directories bound over the standard paths (/etc/kubernetes,
 *   /var/lib/kubelet, /run/containerd, …) in the server's private mount namespace — kubelet,
 *   containerd, runc and the CNI plugins then run with their usual paths, and some of theirs
 *   cannot be configured (runc's and the shims' state under /run/containerd, the CNI cache
 *   under /var/lib/cni); the CNI plugins from Berth's cache at /opt/cni/bin;
 * - private copies of the three host-wide sysctls kubelet writes (vm.overcommit_memory,
 *   kernel.panic, kernel.panic_on_oops), bound over their /proc/sys files, so the host keeps
 *   its values; forwarding on in the node's own network namespace;
 * - the node's own /etc/resolv.conf without a name server: the local provider's networks have
 *   no DNS server, and the host's is not reachable from a node, so lookups fail at once (glibc
 *   and Go fall back to 127.0.0.1 and get a refusal) instead of timing out. Pods resolve
 *   through CoreDNS; kubelet hands this file to `dnsPolicy: Default` pods;
 * - kubelet's machine drop-in: the server's cgroup as cgroup root, and reservations so that
 *   allocatable is the flavor on a host larger than it (capacity − reserved − the eviction
 *   threshold).
 *
 * The mount points it needs on the host (e.g. /var/lib/kubelet) are created empty if missing;
 * nothing is mounted on the host itself.
 */
import { EVICTION_MEMORY_MIB, KUBELET_PATHS } from './kubelet-config.js';

/** The device a real node's root disk is attached as (its first boot-time volume). */
export const ROOT_DISK_DEVICE = '/dev/vdb';

/** The node's state that lives on its root disk, when it has one. */
export const DISK_DIRS = [
  'var/lib/kubelet',
  'var/lib/containerd',
  'var/lib/cni',
  'var/log/pods',
  'var/log/containers',
] as const;

/** How long node-exec waits for the root disk to be attached. */
const DISK_WAIT_SECONDS = 60;

export interface NodeDisk {
  /** The device path inside the server, relative to its root (the provider's attachment device). */
  device: string;
  /** Its volume type and size, for the record (a change rolls the node). */
  type: string;
  sizeGb: number;
}

/** Directories of the node, bound at the same path under `/`. */
export const NODE_DIRS = [
  'etc/kubernetes',
  'etc/containerd',
  'etc/cni/net.d',
  'var/lib/kubelet',
  'var/lib/containerd',
  'var/lib/cni',
  'var/log/pods',
  'var/log/containers',
  'run/containerd',
] as const;

/** The sysctls kubelet sets to these values, host-wide unless given private copies. */
export const KUBELET_SYSCTLS: Readonly<Record<string, string>> = {
  'vm/overcommit_memory': '1',
  'kernel/panic': '10',
  'kernel/panic_on_oops': '1',
};

export interface NodeExecInput {
  /** The directory of Berth's cached CNI plugins (bridge, host-local, loopback, portmap). */
  cniBinDir: string;
  flavor: { vcpus: number; ramMiB: number };
  /**
   * The root disk: formatted ext4 on first use and mounted in the node's mount namespace;
   * DISK_DIRS live on it, so its size is the node's ephemeral-storage capacity.
   */
  disk?: NodeDisk;
}

export const NODE_EXEC = '/etc/berth/node-exec';

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function renderNodeExec(input: NodeExecInput): string {
  const sysctls = Object.entries(KUBELET_SYSCTLS)
    .map(([key, value]) => `private_sysctl ${key} ${value}`)
    .join('\n');
  return `#!/bin/sh
# Rendered by Berth: runs one of this node's daemons once the node's filesystem is in place.
# Usage (from the server's root): sh etc/berth/node-exec <daemon> [args...]
set -eu
root=$(pwd)
mkdir -p run/berth
exec 9>run/berth/node-exec.lock
flock 9

${input.disk === undefined ? 'disk=' : renderDiskMount(input.disk)}
bind() {
  from="$root/$1"
  case " ${DISK_DIRS.join(' ')} " in *" $1 "*) [ -z "$disk" ] || from="$disk/$1" ;; esac
  mkdir -p "$from" "/$1"
  mountpoint -q "/$1" || mount --bind "$from" "/$1"
}
for dir in ${NODE_DIRS.join(' ')}; do bind "$dir"; done
mkdir -p /opt/cni/bin
mountpoint -q /opt/cni/bin || mount --bind ${shq(input.cniBinDir)} /opt/cni/bin

private_sysctl() {
  copy="$root/run/berth/sysctl-$(echo "$1" | tr / -)"
  [ -f "$copy" ] || echo "$2" >"$copy"
  mountpoint -q "/proc/sys/$1" || mount --bind "$copy" "/proc/sys/$1"
}
${sysctls}
echo 1 >/proc/sys/net/ipv4/ip_forward

[ -f "$root/etc/resolv.conf" ] || printf '%s\n' '# Berth node: no DNS server on this network' >"$root/etc/resolv.conf"
mountpoint -q /etc/resolv.conf || mount --bind "$root/etc/resolv.conf" /etc/resolv.conf

# kubelet's machine drop-in: the server's cgroup, and reservations leaving the flavor allocatable.
host_cpus=$(nproc)
host_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
reserved_bytes=$(( host_kib * 1024 - ${input.flavor.ramMiB} * 1048576 - ${EVICTION_MEMORY_MIB} * 1048576 ))
[ "$reserved_bytes" -gt 0 ] || reserved_bytes=0
reserved_millicpu=$(( (host_cpus - ${input.flavor.vcpus}) * 1000 ))
[ "$reserved_millicpu" -gt 0 ] || reserved_millicpu=0
mkdir -p ${KUBELET_PATHS.dropIns}
cat >${KUBELET_PATHS.dropIns}/50-machine.conf <<CONF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupRoot: \${BERTH_CGROUP:-/}
kubeReserved:
  cpu: \${reserved_millicpu}m
  memory: "\${reserved_bytes}"
CONF

flock -u 9
exec 9>&-
exec "$@"
`;
}

/** Waits for the disk, formats it when it has no filesystem yet, mounts it at run/berth/disk. */
function renderDiskMount(disk: NodeDisk): string {
  return `# The root disk (${disk.sizeGb} GiB, ${disk.type}): this node's kubelet, containerd, CNI and pod-log state.
device="$root"${shq(disk.device)}
waited=0
until [ -b "$device" ]; do
  if [ "$waited" -ge ${DISK_WAIT_SECONDS} ]; then
    echo "node-exec: root disk ${disk.device} is not attached after ${DISK_WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
disk="$root/run/berth/disk"
mkdir -p "$disk"
if ! mountpoint -q "$disk"; then
  blkid -p "$device" >/dev/null 2>&1 || mkfs.ext4 -q -F -L berth-root "$device"
  mount "$device" "$disk"
fi`;
}
