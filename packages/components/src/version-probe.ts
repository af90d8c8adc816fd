/**
 * After a build, import or download, Berth runs the new binary's version command and requires
 * the expected version in its output: it catches ldflags that did not take and official binaries
 * of the wrong release.
 */
import { readFile } from 'node:fs/promises';
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
  if (spec?.versionFrom === 'buildinfo') {
    const info = readGoBuildInfo(await readFile(file));
    if (info === undefined || !versionReported(info, component.version, spec.versionPattern)) {
      throw new BerthError(
        'BERTH_ERR_COMPONENT_CORRUPT',
        `${name}'s Go build information does not name version ${component.version} ` +
          `(${info === undefined ? 'none found' : info.trim().split('\n').slice(0, 3).join('; ')})`,
      );
    }
    return;
  }
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

const BUILD_INFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/**
 * The module information a Go (1.18 or later) binary carries — what `go version -m` prints: its
 * Go version, then `path`, `mod` and `dep` lines — read from the binary itself, for components
 * that have no version flag. Undefined when the binary has none in the inline format.
 */
export function readGoBuildInfo(binary: Buffer): string | undefined {
  const at = binary.indexOf(BUILD_INFO_MAGIC);
  if (at < 0) return undefined;
  const flags = binary[at + 15] ?? 0;
  if ((flags & 0x2) === 0) return undefined; // pre-1.18 pointer format
  let offset = at + 32;
  const readString = (): string => {
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = binary[offset++] ?? 0;
      length |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0 || shift > 28) break;
    }
    const text = binary.subarray(offset, offset + length).toString('utf8');
    offset += length;
    return text;
  };
  const goVersion = readString();
  const modules = readString();
  // The module text is framed by 16-byte sentinels.
  const body = modules.length >= 33 ? modules.slice(16, -16) : modules;
  return `${goVersion}\n${body}`;
}
