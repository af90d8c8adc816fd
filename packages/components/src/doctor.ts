/**
 * `berth doctor`: can this host run Berth's local cloud and its Kubernetes components? Every
 * probe runs through the CommandRunner (so unit tests drive it with the fake) and every miss
 * names the command that fixes it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkComponents, checkNodeComponents } from './doctor-components.js';
import {
  checkCgroups,
  checkLoopDevices,
  checkMountNamespace,
  checkNftablesKernel,
} from './doctor-node.js';
import {
  firstLine,
  probeCommand,
  throwawayNetnsName,
  type DoctorCheck,
  type DoctorDeps,
  type Probe,
} from './doctor-probe.js';

export type { DoctorCheck, DoctorDeps } from './doctor-probe.js';

export async function runDoctor(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const probe of PROBES) checks.push(await probe(deps));
  const componentsOk = ['components', 'node-components'].every(
    (name) => checks.find((c) => c.name === name)?.ok ?? false,
  );
  // Go and the C toolchain are needed only to build components that are not in the cache yet.
  for (const name of ['go', 'c-toolchain']) {
    const check = checks.find((c) => c.name === name);
    if (check) check.required = !componentsOk;
  }
  return checks;
}

export function doctorPassed(checks: DoctorCheck[]): boolean {
  return checks.every((c) => c.ok || !c.required);
}

const PROBES: Probe[] = [
  checkLinux,
  checkRoot,
  tool('ip', ['-V'], 'iproute2'),
  checkNetns,
  tool('nft', ['--version'], 'nftables'),
  checkNftablesKernel,
  tool('haproxy', ['-v'], 'haproxy'),
  tool('keepalived', ['--version'], 'keepalived'),
  checkMountNamespace,
  checkCgroups,
  checkLoopDevices,
  checkGo,
  checkCToolchain,
  checkComponents,
  checkNodeComponents,
];

async function checkLinux({ runner }: DoctorDeps): Promise<DoctorCheck> {
  const r = await probeCommand(runner, 'uname', ['-sr']);
  const ok = r.exitCode === 0 && r.stdout.startsWith('Linux');
  const detail = r.stdout.trim() || r.stderr.trim();
  return {
    name: 'linux',
    ok,
    required: true,
    detail,
    ...(ok ? {} : { fix: 'run Berth on a Linux host' }),
  };
}

async function checkRoot({ runner }: DoctorDeps): Promise<DoctorCheck> {
  const r = await probeCommand(runner, 'id', ['-u']);
  const ok = r.exitCode === 0 && r.stdout.trim() === '0';
  const detail = ok ? 'running as root' : `uid ${r.stdout.trim()}`;
  return { name: 'root', ok, required: true, detail, ...(ok ? {} : { fix: 'sudo berth …' }) };
}

function tool(command: string, args: string[], debPackage: string): Probe {
  return async ({ runner, hostDepsScript }) => {
    const r = await probeCommand(runner, command, args);
    const ok = r.exitCode === 0;
    const line = firstLine(r);
    return {
      name: command,
      ok,
      required: true,
      detail: ok ? line : `${command} not usable (${debPackage}): ${line}`,
      ...(ok ? {} : { fix: hostDepsScript }),
    };
  };
}

async function checkNetns(deps: DoctorDeps): Promise<DoctorCheck> {
  const name = throwawayNetnsName(deps);
  const add = await probeCommand(deps.runner, 'ip', ['netns', 'add', name]);
  const del =
    add.exitCode === 0
      ? await probeCommand(deps.runner, 'ip', ['netns', 'delete', name])
      : undefined;
  const ok = add.exitCode === 0 && del?.exitCode === 0;
  const why = add.exitCode !== 0 ? add.stderr.trim() : (del?.stderr.trim() ?? '');
  return {
    name: 'netns',
    ok,
    required: true,
    detail: ok ? 'created and deleted a network namespace' : `ip netns add/delete failed: ${why}`,
    ...(ok
      ? {}
      : { fix: `run as root on a kernel with network namespaces; ${deps.hostDepsScript}` }),
  };
}

async function checkGo(deps: DoctorDeps): Promise<DoctorCheck> {
  const r = await probeCommand(deps.runner, 'go', ['version']);
  const found = /go(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1];
  const needed = await requiredGoVersion(deps.componentsDir);
  const ok = r.exitCode === 0 && found !== undefined && compareVersions(found, needed) >= 0;
  const detail = found
    ? `go ${found} (modules need ≥ ${needed})`
    : `go not found (modules need ≥ ${needed})`;
  return {
    name: 'go',
    ok,
    required: true,
    detail,
    ...(ok ? {} : { fix: `install Go ≥ ${needed} (only needed to build components)` }),
  };
}

/**
 * What building runc (cgo, static with libseccomp) and the pause program (static C) takes: gcc,
 * the static C library, libseccomp's static library and pkg-config's entry for it.
 */
async function checkCToolchain({ runner, hostDepsScript }: DoctorDeps): Promise<DoctorCheck> {
  const gcc = await probeCommand(runner, 'gcc', ['--version']);
  const misses: string[] = [];
  if (gcc.exitCode !== 0) misses.push('gcc');
  else {
    for (const lib of ['libc.a', 'libseccomp.a']) {
      // gcc prints the bare name back when it cannot find the file.
      const r = await probeCommand(runner, 'gcc', [`-print-file-name=${lib}`]);
      if (r.exitCode !== 0 || !r.stdout.trim().startsWith('/')) misses.push(lib);
    }
  }
  const pc = await probeCommand(runner, 'pkg-config', ['--exists', 'libseccomp']);
  if (pc.exitCode !== 0) misses.push('pkg-config libseccomp');
  const ok = misses.length === 0;
  const firstLine = gcc.stdout.split('\n')[0]?.trim() ?? '';
  return {
    name: 'c-toolchain',
    ok,
    required: true,
    detail: ok
      ? `${firstLine}; static libc and libseccomp found (runc, pause)`
      : `missing for building runc and pause: ${misses.join(', ')}`,
    ...(ok ? {} : { fix: `${hostDepsScript} (gcc libc6-dev libseccomp-dev pkg-config)` }),
  };
}

/** The highest `go` directive among the wrapper modules: the oldest toolchain that builds all. */
export async function requiredGoVersion(componentsDir: string): Promise<string> {
  let highest = '1.0';
  const entries = await readdir(componentsDir, { withFileTypes: true });
  for (const e of entries.filter((x) => x.isDirectory())) {
    const mod = await readFile(join(componentsDir, e.name, 'go.mod'), 'utf8').catch(() => '');
    const v = /^go (\d+\.\d+(?:\.\d+)?)$/m.exec(mod)?.[1];
    if (v && compareVersions(v, highest) > 0) highest = v;
  }
  return highest;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
