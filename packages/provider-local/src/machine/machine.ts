/**
 * What makes a local server a machine rather than a bare network namespace: a private mount
 * namespace its processes share, and a cgroup of its flavor's size that holds every one of its
 * processes, including those that leave the agent's process groups (containerd shims and the
 * containers they run). Booting prepares both; halting kills everything in the cgroup and drops
 * both, as powering off a VM does — so nothing of a server outlives its stop or delete.
 */
import type { CommandRunner } from '@berth/exec';
import {
  createCgroup,
  killCgroup,
  removeCgroup,
  serverCgroupPath,
  type CgroupLimits,
} from './cgroups.js';
import {
  ensureMountNamespace,
  mountNamespaceOf,
  removeMountNamespace,
  type MountNamespace,
} from './mount-ns.js';

export interface BootedMachine {
  mountNamespace: MountNamespace;
  /** The group's path in every hierarchy, e.g. `/berth-servers/<id>` (a kubelet's cgroupRoot). */
  cgroupPath: string;
  /** The `cgroup.procs` files the server's agent writes its pid to before starting anything. */
  cgroupProcs: string[];
}

export class Machines {
  constructor(
    private readonly runner: CommandRunner,
    private readonly prefix: string,
  ) {}

  cgroupPath(serverId: string): string {
    return serverCgroupPath(this.prefix, serverId);
  }

  /** Creates the mount namespace and the cgroup with the flavor's limits (idempotent). */
  async boot(
    serverId: string,
    serverDir: string,
    limits: CgroupLimits,
    signal?: AbortSignal,
  ): Promise<BootedMachine> {
    const mountNamespace = mountNamespaceOf(serverDir);
    await ensureMountNamespace(this.runner, mountNamespace, signal);
    const cgroupPath = this.cgroupPath(serverId);
    return { mountNamespace, cgroupPath, cgroupProcs: createCgroup(cgroupPath, limits) };
  }

  /**
   * Kills every process left in the server's cgroup (the agent stopped its services first, or
   * was killed), then drops the mount namespace and the cgroup. Throws when a process survives.
   */
  async halt(serverId: string, serverDir: string, signal?: AbortSignal): Promise<void> {
    const cgroupPath = this.cgroupPath(serverId);
    if (!(await killCgroup(cgroupPath))) {
      throw new Error(`processes of server ${serverId} survive SIGKILL in ${cgroupPath}`);
    }
    await removeMountNamespace(this.runner, mountNamespaceOf(serverDir), signal);
    removeCgroup(cgroupPath);
  }

  /** Fault injection: every process of the server SIGKILLed, as a host crash would. */
  async crash(serverId: string): Promise<void> {
    await killCgroup(this.cgroupPath(serverId));
  }
}
