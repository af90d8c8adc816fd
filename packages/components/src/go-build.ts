/**
 * Builds one binary of a component from its Go wrapper module under components/. Static
 * (CGO_ENABLED=0 unless the component needs cgo, and then linked statically through its
 * ldflags), stripped, reproducible paths (-trimpath), with the toolchain found on the host
 * (GOTOOLCHAIN=local: never download another Go), the component's build tags, and version
 * variables stamped the way the upstream release builds do, so `--version` prints the real
 * version.
 */
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import type { CommandRunner, RunOptions } from '@berth/exec';
import type { ResolvedComponent } from './versions.js';

export interface LdflagVars {
  version: string;
  buildDate: Date;
}

/** Fills the manifest's ldflags templates; throws when a template names an unknown variable. */
export function renderLdflags(templates: string[], vars: LdflagVars): string {
  const bare = vars.version.replace(/^v/, '');
  const [major = '', minorNumber = ''] = bare.split('.');
  const values: Record<string, string> = {
    version: vars.version,
    bareVersion: bare,
    major,
    minorNumber,
    buildDate: vars.buildDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return templates
    .map((t) =>
      t.replace(/\{(\w+)\}/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`ldflags template uses unknown {${key}}`);
        return value;
      }),
    )
    .join(' ');
}

export interface GoBuildInput {
  runner: CommandRunner;
  goBinary: string;
  componentsDir: string;
  component: ResolvedComponent;
  binary: string;
  outFile: string;
  buildDate: Date;
  signal?: AbortSignal;
}

/** The exact `go build` argv for one binary; pure so tests can pin it. */
export function goBuildArgs(
  component: ResolvedComponent,
  binary: string,
  outFile: string,
  buildDate: Date,
): string[] {
  const spec = component.spec.binaries[binary];
  const pkg = spec?.package;
  if (pkg === undefined) throw new Error(`${component.name}/${binary} has no Go package to build`);
  const ldflags = renderLdflags(component.spec.ldflags ?? [], {
    version: component.version,
    buildDate,
  });
  const tags = [...(component.spec.tags ?? []), ...(spec?.tags ?? [])];
  return [
    'build',
    '-trimpath',
    ...(component.spec.buildFlags ?? []),
    ...(tags.length > 0 ? ['-tags', tags.join(',')] : []),
    '-ldflags',
    ldflags,
    '-o',
    outFile,
    pkg,
  ];
}

/**
 * How every build command (go build, go mod download, gcc, apt-get, dpkg-deb) runs: its caller
 * judges the exit code and names the fix (`check: false`), and only the end of its output is
 * kept: the end of a failed build is what explains it, and a build can print megabytes.
 */
export function buildRunOptions(signal: AbortSignal | undefined): RunOptions {
  return { check: false, maxOutputChars: 256 * 1024, ...(signal ? { signal } : {}) };
}

/** The environment of a component's `go build`, on top of the runner's. */
export function goBuildEnv(component: ResolvedComponent): Record<string, string> {
  return { CGO_ENABLED: component.spec.cgo === true ? '1' : '0', GOTOOLCHAIN: 'local' };
}

/** Runs the build; throws BERTH_ERR_COMPONENT_BUILD with go's output tail when it fails. */
export async function goBuild(input: GoBuildInput): Promise<void> {
  const { component, binary } = input;
  if (component.module === undefined) throw new Error(`${component.name} has no wrapper module`);
  const args = goBuildArgs(component, binary, input.outFile, input.buildDate);
  const result = await input.runner.run(input.goBinary, args, {
    ...buildRunOptions(input.signal),
    cwd: join(input.componentsDir, component.module),
    env: goBuildEnv(component),
  });
  if (result.exitCode !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-20).join('\n');
    throw new BerthError(
      'BERTH_ERR_COMPONENT_BUILD',
      `go build of ${binary} ${component.version} failed (exit ${result.exitCode}):\n${tail}\n` +
        `Fix: run \`berth doctor\` (Go toolchain, module cache), or import official binaries ` +
        `with \`berth components install <version> --from-dir DIR\`.`,
      { details: { component: component.name, binary, version: component.version } },
    );
  }
}
