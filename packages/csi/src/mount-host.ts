/**
 * The Node service's boundary: the node's block devices, filesystems and mounts, driven through
 * commands (blkid, mkfs.ext4, e2fsck, resize2fs, findmnt, mount, umount) by a runner. The
 * runner decides where they run: in a Berth node the plugin runs inside the node's mount
 * namespace already; tests enter one they made (`nsenter --mount=…`).
 */
import type { CommandRunner } from '@berth/exec';

export interface Mounted {
  /** What is mounted, as the kernel shows it (the device, or the bind's source device). */
  source: string;
  /** `MAJOR:MINOR` of the mounted filesystem's device. */
  majMin: string;
  options: string[];
}

export interface MountHost {
  /** Whether `path` is a block device. */
  isBlockDevice(path: string): Promise<boolean>;
  /** The filesystem on the device, '' when it holds none. */
  fsType(device: string): Promise<string>;
  formatExt4(device: string): Promise<void>;
  /** Size in bytes of the device, and of the ext4 filesystem on it. */
  deviceBytes(device: string): Promise<number>;
  ext4Bytes(device: string): Promise<number>;
  /** Checks and grows an unmounted ext4 filesystem to its device. */
  growExt4Offline(device: string): Promise<void>;
  /** Grows a mounted ext4 filesystem (needs CAP_SYS_RESOURCE). Resolves false when refused. */
  growExt4Online(device: string): Promise<boolean>;
  /** What is mounted at exactly `path`, if anything. */
  mountedAt(path: string): Promise<Mounted | undefined>;
  mount(device: string, target: string, fsType: string, options: string[]): Promise<void>;
  bind(source: string, target: string, readonly: boolean): Promise<void>;
  unmount(target: string): Promise<void>;
  makeDir(path: string): Promise<void>;
  /** An empty file (a block volume's publish target), its directory made when missing. */
  makeFile(path: string): Promise<void>;
  /** Removes an empty directory or a file; a missing one is fine. */
  remove(path: string): Promise<void>;
}

export class CommandMountHost implements MountHost {
  constructor(private readonly runner: CommandRunner) {}

  async isBlockDevice(path: string): Promise<boolean> {
    return (await this.runner.run('test', ['-b', path], { check: false })).exitCode === 0;
  }

  async fsType(device: string): Promise<string> {
    // -p probes the device itself (no cache); exit 2 means nothing was found.
    const out = await this.runner.run('blkid', ['-p', '-o', 'value', '-s', 'TYPE', device], {
      check: false,
    });
    if (out.exitCode === 2) return '';
    if (out.exitCode !== 0)
      throw new Error(`blkid ${device} exited ${out.exitCode}: ${out.stderr}`);
    return out.stdout.trim();
  }

  async formatExt4(device: string): Promise<void> {
    await this.runner.run('mkfs.ext4', ['-q', '-F', device]);
  }

  async deviceBytes(device: string): Promise<number> {
    return Number((await this.runner.run('blockdev', ['--getsize64', device])).stdout.trim());
  }

  async ext4Bytes(device: string): Promise<number> {
    const { stdout } = await this.runner.run('dumpe2fs', ['-h', device]);
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+)$`, 'm').exec(stdout)?.[1]);
    return field('Block count') * field('Block size');
  }

  async growExt4Offline(device: string): Promise<void> {
    // e2fsck exits 1 when it fixed something, which is fine before a resize.
    const fsck = await this.runner.run('e2fsck', ['-f', '-p', device], { check: false });
    if (fsck.exitCode > 1)
      throw new Error(`e2fsck ${device} exited ${fsck.exitCode}: ${fsck.stderr}`);
    await this.runner.run('resize2fs', [device]);
  }

  async growExt4Online(device: string): Promise<boolean> {
    const out = await this.runner.run('resize2fs', [device], { check: false });
    if (out.exitCode === 0) return true;
    if (/Permission denied|Operation not permitted/.test(out.stderr)) return false;
    throw new Error(`resize2fs ${device} exited ${out.exitCode}: ${out.stderr.trim()}`);
  }

  async mountedAt(path: string): Promise<Mounted | undefined> {
    const out = await this.runner.run(
      'findmnt',
      ['-n', '-P', '-o', 'SOURCE,MAJ:MIN,OPTIONS', '--mountpoint', path],
      { check: false },
    );
    if (out.exitCode !== 0 || out.stdout.trim() === '') return undefined;
    const fields = Object.fromEntries(
      [...out.stdout.matchAll(/([A-Z:]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    return {
      source: (fields.SOURCE ?? '').replace(/\[.*\]$/, ''),
      majMin: fields['MAJ:MIN'] ?? '',
      options: (fields.OPTIONS ?? '').split(','),
    };
  }

  async mount(device: string, target: string, fsType: string, options: string[]): Promise<void> {
    const opts = options.length > 0 ? ['-o', options.join(',')] : [];
    await this.runner.run('mount', ['-t', fsType, ...opts, device, target]);
  }

  async bind(source: string, target: string, readonly: boolean): Promise<void> {
    await this.runner.run('mount', ['--bind', source, target]);
    if (readonly) await this.runner.run('mount', ['-o', 'remount,bind,ro', target]);
  }

  async unmount(target: string): Promise<void> {
    await this.runner.run('umount', [target]);
  }

  async makeDir(path: string): Promise<void> {
    await this.runner.run('mkdir', ['-p', path]);
  }

  async makeFile(path: string): Promise<void> {
    await this.runner.run('sh', [
      '-c',
      'mkdir -p "$(dirname "$1")" && touch "$1"',
      'make-file',
      path,
    ]);
  }

  async remove(path: string): Promise<void> {
    await this.runner.run('sh', ['-c', '[ -d "$1" ] && rmdir "$1" || rm -f "$1"', 'remove', path]);
  }
}
