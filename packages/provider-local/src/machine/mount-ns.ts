/**
 * A server's private mount namespace, kept alive by a file (as `ip netns` keeps network
 * namespaces): every process of the server enters it, so what its daemons mount (kubelet's
 * volume tmpfs, containerd's overlay roots, a node's bind mounts) is shared among them and never
 * visible on the host or on another server. The file must sit on a mount point with private
 * propagation, or the namespace reference would propagate (and pin the namespace) elsewhere, so
 * its directory is bind-mounted onto itself and made private first.
 *
 * Commands go through the runner; `mountinfo` is read to tell what is already in place, so every
 * step is safe to repeat.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandRunner } from '@berth/exec';

export interface MountNamespace {
  /** The directory holding the namespace file (a private bind mount of itself). */
  dir: string;
  /** The file `nsenter --mount=` enters. */
  file: string;
}

export function mountNamespaceOf(serverDir: string): MountNamespace {
  const dir = path.join(serverDir, 'ns');
  return { dir, file: path.join(dir, 'mnt') };
}

/** Mount points of the calling process's namespace, from /proc/self/mountinfo. */
export function mountPoints(mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  return mountinfo
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => unescapeMountPath(l.split(' ')[4] ?? ''));
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Creates the namespace unless it exists (idempotent). */
export async function ensureMountNamespace(
  runner: CommandRunner,
  ns: MountNamespace,
  signal?: AbortSignal,
): Promise<void> {
  const mounted = new Set(mountPoints());
  if (mounted.has(ns.file)) return;
  fs.mkdirSync(ns.dir, { recursive: true, mode: 0o700 });
  const opts = signal ? { signal } : {};
  if (!mounted.has(ns.dir)) await runner.run('mount', ['--bind', ns.dir, ns.dir], opts);
  await runner.run('mount', ['--make-private', ns.dir], opts);
  fs.writeFileSync(ns.file, '');
  await runner.run('unshare', [`--mount=${ns.file}`, '--propagation', 'private', 'true'], opts);
}

/** Drops the namespace (it ends once no process is left in it) and its private mount. */
export async function removeMountNamespace(
  runner: CommandRunner,
  ns: MountNamespace,
  signal?: AbortSignal,
): Promise<void> {
  const opts = signal ? { signal } : {};
  const mounted = new Set(mountPoints());
  if (mounted.has(ns.file)) await runner.run('umount', [ns.file], opts);
  if (mounted.has(ns.dir)) await runner.run('umount', [ns.dir], opts);
}

/** The argv prefix that runs a command in the server's network and mount namespaces. */
export function enterArgv(netnsName: string, ns: MountNamespace): string[] {
  return ['nsenter', `--net=/run/netns/${netnsName}`, `--mount=${ns.file}`, '--'];
}
