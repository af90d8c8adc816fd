/**
 * A volume attached to a local server as a real block device: a loop device over the volume's
 * file on the host, shown inside the server only — as a device node in a small tmpfs mounted on
 * the server's `root/dev` inside the server's private mount namespace. On the host, `root/dev`
 * stays an empty directory and no other server sees the node. (Loop devices themselves are
 * global: `/dev/loopN` exists on the host, as a VM's disk exists on its hypervisor.)
 *
 * Every step reads the world first (sysfs, mountinfo), so each is safe to repeat.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandRunner } from '@berth/exec';
import type { MountNamespace } from './mount-ns.js';

export interface LoopDevice {
  /** e.g. `/dev/loop3`. */
  device: string;
  /** `MAJOR:MINOR`, e.g. `7:3`. */
  id: string;
  /** Set once a busy device was detached: it goes when its last user closes it. */
  autoclear: boolean;
}

const SYS_BLOCK = '/sys/block';

/** Loop devices set up over `file` (also those whose file was deleted since), from sysfs. */
export function loopsOf(file: string, sysBlock = SYS_BLOCK): LoopDevice[] {
  let names: string[];
  try {
    names = fs.readdirSync(sysBlock).filter((n) => n.startsWith('loop'));
  } catch {
    return [];
  }
  const wanted = path.resolve(file);
  return names.flatMap((name) => {
    const dir = path.join(sysBlock, name);
    const backing = readOr(path.join(dir, 'loop', 'backing_file'));
    if (backing?.replace(/ \(deleted\)$/, '') !== wanted) return [];
    return [
      {
        device: `/dev/${name}`,
        id: readOr(path.join(dir, 'dev')) ?? '',
        autoclear: readOr(path.join(dir, 'loop', 'autoclear')) === '1',
      },
    ];
  });
}

/**
 * The loop device over `file`, set up unless one is (one being cleared after a forced detach
 * does not count: it vanishes with its last user).
 */
export async function ensureLoop(
  runner: CommandRunner,
  file: string,
  signal?: AbortSignal,
): Promise<LoopDevice> {
  const existing = loopsOf(file).find((l) => !l.autoclear);
  if (existing !== undefined) return existing;
  const { stdout } = await runner.run('losetup', ['--find', '--show', file], opts(signal));
  const device = stdout.trim();
  const found = loopsOf(file).find((l) => l.device === device);
  if (found === undefined) throw new Error(`losetup set up ${device}, but sysfs does not show it`);
  return found;
}

/**
 * Detaches every loop device over `file`. A device still in use is only marked to detach when
 * its last user closes it; with `waitMs`, waits that long for it to go (e.g. after the server's
 * mount namespace ended). Resolves true when none is left.
 */
export async function releaseLoops(
  runner: CommandRunner,
  file: string,
  waitMs = 0,
  signal?: AbortSignal,
): Promise<boolean> {
  for (const loop of loopsOf(file).filter((l) => !l.autoclear)) {
    await runner.run('losetup', ['--detach', loop.device], { ...opts(signal), check: false });
  }
  const deadline = Date.now() + waitMs;
  while (loopsOf(file).length > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Makes the loop devices over `file` take its new size (after the file grew). */
export async function resizeLoops(
  runner: CommandRunner,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  for (const loop of loopsOf(file).filter((l) => !l.autoclear)) {
    await runner.run('losetup', ['--set-capacity', loop.device], opts(signal));
  }
}

/**
 * Whether something holds the device exclusively — a mounted filesystem does, anywhere on the
 * host. (A process that opened it without O_EXCL, e.g. `dd`, does not show.)
 */
export function isDeviceBusy(device: string): boolean {
  try {
    fs.closeSync(fs.openSync(device, fs.constants.O_RDONLY | fs.constants.O_EXCL));
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EBUSY') return true;
    throw err;
  }
}

/** The script that shows a device node in `$1` (made a tmpfs once) as `$2`, `MAJOR:MINOR` `$3`. */
export const EXPOSE_SCRIPT = `set -eu
dir=$1 name=$2 id=$3
mkdir -p "$dir"
mountpoint -q "$dir" || mount -t tmpfs -o mode=0755,size=64k,nosuid,noexec berth-dev "$dir"
rm -f "$dir/$name"
mknod -m 0660 "$dir/$name" b "\${id%:*}" "\${id#*:}"
`;

/**
 * The script that removes node `$2` from `$1`; with `$4` = 1 it first lazily unmounts every
 * mount of device `$3` (`MAJOR:MINOR` in mountinfo's third field) in the namespace, deepest
 * first, as a pulled disk takes its filesystems with it.
 */
export const UNEXPOSE_SCRIPT = `set -eu
dir=$1 name=$2 id=$3 force=$4
if [ "$force" = 1 ]; then
  awk -v id="$id" '$3 == id { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$(printf '%b' "$m")"
  done
fi
rm -f "$dir/$name"
`;

/** Shows `loop` inside the server's namespace at `<devDir>/<name>` (e.g. `root/dev/vdb`). */
export async function exposeDevice(
  runner: CommandRunner,
  ns: MountNamespace,
  devDir: string,
  name: string,
  loop: LoopDevice,
  signal?: AbortSignal,
): Promise<void> {
  await runner.run(
    'nsenter',
    [`--mount=${ns.file}`, '--', 'sh', '-c', EXPOSE_SCRIPT, 'expose', devDir, name, loop.id],
    opts(signal),
  );
}

/** Removes the node; with `force`, the device's mounts in the namespace go first (lazily). */
export async function unexposeDevice(
  runner: CommandRunner,
  ns: MountNamespace,
  devDir: string,
  name: string,
  id: string,
  force: boolean,
  signal?: AbortSignal,
): Promise<void> {
  await runner.run(
    'nsenter',
    [
      `--mount=${ns.file}`,
      '--',
      'sh',
      '-c',
      UNEXPOSE_SCRIPT,
      'unexpose',
      devDir,
      name,
      id,
      force ? '1' : '0',
    ],
    opts(signal),
  );
}

function opts(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
