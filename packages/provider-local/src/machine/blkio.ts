/**
 * A volume type's limits on an attached device, as cgroup v1 block I/O throttling
 * (`blkio.throttle.{read,write}_{iops,bps}_device` rules `MAJOR:MINOR VALUE`).
 *
 * cgroup v1 throttling is flat, not hierarchical: a rule on `/berth-servers/<id>` limits only
 * processes in exactly that group, not those kubelet and runc put in groups below it (pods,
 * containers). So the rules are written into the server's group and into every group below it,
 * by the provider when it attaches or detaches, and again every second by the server's agent,
 * which catches the groups created since. Each group then gets the type's figures on its own
 * (two containers of one node could each use the full figure at once). Rules for devices no
 * longer listed are removed (`MAJOR:MINOR 0`), since a loop device's number is reused.
 *
 * Throttling counts I/O the kernel submits to the device: reads and direct writes. Buffered
 * writes reach the device from the kernel's writeback, which cgroup v1 does not attribute to the
 * writer, so they are not limited.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { VolumeLimits } from '@berth/provider-api';

/** One attached device and the limits its volume type carries. */
export interface DeviceLimits {
  /** `MAJOR:MINOR` of the device, e.g. `7:3`. */
  device: string;
  limits: VolumeLimits;
}

export const THROTTLE_FILES = {
  readIops: 'blkio.throttle.read_iops_device',
  writeIops: 'blkio.throttle.write_iops_device',
  readBytesPerSec: 'blkio.throttle.read_bps_device',
  writeBytesPerSec: 'blkio.throttle.write_bps_device',
} as const satisfies Record<keyof VolumeLimits, string>;

/** `MAJOR:MINOR VALUE` lines of a throttle file, as a map. */
export function parseThrottleRules(text: string): Map<string, number> {
  const rules = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [device, value] = line.trim().split(/\s+/);
    if (device !== undefined && value !== undefined && /^\d+:\d+$/.test(device))
      rules.set(device, Number(value));
  }
  return rules;
}

/**
 * The lines to write to one throttle file so that it holds exactly `wanted`: changed and new
 * rules, and `MAJOR:MINOR 0` (removal) for rules not wanted. Pure.
 */
export function throttleWrites(
  current: ReadonlyMap<string, number>,
  wanted: ReadonlyMap<string, number>,
): string[] {
  const writes: string[] = [];
  for (const [device, value] of wanted) {
    if (current.get(device) !== value) writes.push(`${device} ${value}`);
  }
  for (const device of current.keys()) if (!wanted.has(device)) writes.push(`${device} 0`);
  return writes;
}

/**
 * Makes the throttle rules of the group at `groupDir` (a directory in the blkio hierarchy) and
 * of every group below it exactly `devices`. A group removed meanwhile is skipped. Returns how
 * many rules were written.
 */
export function applyBlockLimits(groupDir: string, devices: readonly DeviceLimits[]): number {
  let written = 0;
  for (const dir of groupsBelow(groupDir)) {
    for (const [key, file] of Object.entries(THROTTLE_FILES)) {
      const wanted = new Map(
        devices.map((d) => [d.device, d.limits[key as keyof VolumeLimits]] as const),
      );
      written += writeRules(path.join(dir, file), wanted);
    }
  }
  return written;
}

/** The blkio group among a machine's `cgroup.procs` files, on a cgroup v1 host. */
export function blkioGroupOf(cgroupProcs: readonly string[]): string | undefined {
  const procs = cgroupProcs.find((p) =>
    p.split(path.sep).some((part) => part.split(',').includes('blkio')),
  );
  return procs === undefined ? undefined : path.dirname(procs);
}

function writeRules(file: string, wanted: ReadonlyMap<string, number>): number {
  let current: string;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    return 0; // the group went away (a container ended)
  }
  const writes = throttleWrites(parseThrottleRules(current), wanted);
  for (const line of writes) {
    try {
      fs.writeFileSync(file, line);
    } catch (err) {
      // ENODEV: the device went away between listing and writing; ENOENT: so did the group.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENODEV' && code !== 'ENOENT') throw err;
    }
  }
  return writes.length;
}

function groupsBelow(dir: string): string[] {
  let children: fs.Dirent[];
  try {
    children = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return [
    dir,
    ...children.filter((d) => d.isDirectory()).flatMap((d) => groupsBelow(path.join(dir, d.name))),
  ];
}
