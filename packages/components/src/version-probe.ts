/**
 * After a build, import or download, Berth runs the new binary's version command and requires
 * the expected version in its output: it catches ldflags that did not take and official binaries
 * of the wrong release.
 */
import { BerthError } from '@berth/errors';
import type { CommandRunner } from '@berth/exec';
import type { ResolvedComponent } from './versions.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `output` names `version`. By default the version (with or without its `v`) must stand
 * alone: `v1.34.10` matches `Kubernetes v1.34.10` and `CoreDNS-1.14.7`, not `1.34.100`. A
 * binary's `versionPattern` (a regular expression in which `{version}` and `{bareVersion}` stand
 * for the escaped version) is stricter where the unstamped default would also match, e.g.
 * containerd's `2.3.7+unknown`.
 */
export function versionReported(output: string, version: string, pattern?: string): boolean {
  const bare = version.replace(/^v/, '');
  const source =
    pattern === undefined
      ? `(^|[^0-9.])v?${escape(bare)}([^0-9]|$)`
      : pattern.replace(/\{version\}/g, escape(version)).replace(/\{bareVersion\}/g, escape(bare));
  return new RegExp(source, 'm').test(output);
}

export async function probeVersion(
  runner: CommandRunner,
  component: ResolvedComponent,
  name: string,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  const spec = component.spec.binaries[name];
  const args = spec?.versionArgs ?? ['--version'];
  // The exit code is judged below, with the output: a binary that crashes is as wrong as one
  // that names another version.
  const result = await runner.run(file, args, {
    check: false,
    ...(spec?.env ? { env: spec.env } : {}),
    ...(signal ? { signal } : {}),
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode !== 0 || !versionReported(output, component.version, spec?.versionPattern)) {
    throw new BerthError(
      'BERTH_ERR_COMPONENT_CORRUPT',
      `${name} does not report version ${component.version} (\`${[name, ...args].join(' ')}\` exited ` +
        `${result.exitCode}: ${output.trim().slice(0, 200)})`,
    );
  }
}
