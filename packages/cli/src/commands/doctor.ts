/**
 * `berth doctor`: checks that this host can run Berth's local cloud, its real worker nodes
 * (mount namespaces, cgroup controllers, loop devices, kube-proxy's nftables) and build or run its
 * Kubernetes components. Prints ✓/✗ per check and, for each miss, the command that fixes it;
 * exits non-zero when a required check fails.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  cacheDirFromEnv,
  createComponentStore,
  defaultComponentsDir,
  doctorPassed,
  runDoctor,
  type DoctorCheck,
  type DoctorDeps,
} from '@berth/components';
import { ProcessRunner } from '@berth/exec';

export interface DoctorCommandDeps {
  doctor: () => DoctorDeps;
  out: { write(text: string): unknown };
}

export function defaultDoctorDeps(env: NodeJS.ProcessEnv = process.env): DoctorCommandDeps {
  return {
    doctor: () => {
      const runner = new ProcessRunner({ env });
      const componentsDir = defaultComponentsDir();
      const store = createComponentStore({ cacheDir: cacheDirFromEnv(env), componentsDir, runner });
      // packages/cli/dist/commands/ → the repository's scripts/.
      const script = fileURLToPath(
        new URL('../../../../scripts/install-host-deps', import.meta.url),
      );
      return { runner, store, componentsDir, hostDepsScript: script };
    },
    out: process.stdout,
  };
}

export function registerDoctor(program: Command, deps = defaultDoctorDeps()): void {
  program
    .command('doctor')
    .description(
      'Check that this host can run Berth and real nodes (namespaces, cgroups, loop devices, nftables, HAProxy, components)',
    )
    .action(async () => {
      const checks = await runDoctor(deps.doctor());
      deps.out.write(renderDoctor(checks));
      if (!doctorPassed(checks)) process.exitCode = 1;
    });
}

/** The report `berth doctor` prints; pure so its shape is pinned by a test. */
export function renderDoctor(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => {
    const mark = c.ok ? '✓' : c.required ? '✗' : '!';
    const line = `${mark} ${c.name.padEnd(width)}  ${c.detail}`;
    return c.ok || !c.fix ? line : `${line}\n  ${' '.repeat(width)}  fix: ${c.fix}`;
  });
  const failed = checks.filter((c) => !c.ok && c.required).length;
  const summary =
    failed === 0 ? 'All required checks passed.' : `${failed} required check(s) failed.`;
  return `${lines.join('\n')}\n\n${summary}\n`;
}
