/**
 * The two builders for binaries that are not Go programs:
 * - `gcc`: compiles one C file of a Go module's source, found through the component's wrapper
 *   module (`go mod download -json <module>` gives the module cache directory of the version the
 *   wrapper pins). The pause program is built this way from k8s.io/kubernetes's
 *   build/pause/linux/pause.c, with upstream's flags (static, `-DVERSION=`).
 * - `deb`: takes one file out of a Debian package (`apt-get download` + `dpkg-deb -x` into a
 *   scratch directory), without installing the package on the host. busybox comes from Debian's
 *   busybox-static this way.
 * Both go through the CommandRunner, so unit tests drive them with the fake.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import type { CommandRunner, RunResult } from '@berth/exec';
import { buildRunOptions, renderLdflags } from './go-build.js';
import type { ResolvedComponent } from './versions.js';

export interface NativeBuildInput {
  runner: CommandRunner;
  goBinary: string;
  componentsDir: string;
  component: ResolvedComponent;
  binary: string;
  outFile: string;
  /** A scratch directory the build may fill (it is removed afterwards). */
  workDir: string;
  buildDate: Date;
  signal?: AbortSignal;
}

function failed(input: NativeBuildInput, what: string, result: RunResult, fix: string) {
  const tail = (result.stderr || result.stdout).trim().split('\n').slice(-20).join('\n');
  const { component, binary } = input;
  return new BerthError(
    'BERTH_ERR_COMPONENT_BUILD',
    `${what} for ${binary} ${component.version} failed (exit ${result.exitCode}):\n${tail}\nFix: ${fix}`,
    { details: { component: component.name, binary, version: component.version } },
  );
}

/** The gcc argv for a `gcc` binary whose source file is `sourceFile`; pure so tests can pin it. */
export function gccArgs(
  component: ResolvedComponent,
  outFile: string,
  sourceFile: string,
  buildDate: Date,
): string[] {
  const cflags = renderLdflags(component.spec.cflags ?? [], {
    version: component.version,
    buildDate,
  });
  return [...cflags.split(' ').filter((f) => f !== ''), '-o', outFile, sourceFile];
}

/** Compiles the binary's C file from its Go module's source with gcc. */
export async function gccBuild(input: NativeBuildInput): Promise<void> {
  const { component, binary, runner } = input;
  const source = component.spec.binaries[binary]?.source;
  if (source?.module === undefined || component.module === undefined) {
    throw new Error(`${component.name}/${binary} has no module source to compile`);
  }
  const opts = buildRunOptions(input.signal);
  const download = await runner.run(input.goBinary, ['mod', 'download', '-json', source.module], {
    cwd: join(input.componentsDir, component.module),
    env: { GOTOOLCHAIN: 'local' },
    ...opts,
  });
  let dir: string | undefined;
  try {
    dir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  } catch {
    dir = undefined;
  }
  if (download.exitCode !== 0 || !dir) {
    throw failed(
      input,
      `go mod download ${source.module}`,
      download,
      'run `berth doctor` (Go toolchain, module proxy or a filled module cache)',
    );
  }
  const args = gccArgs(component, input.outFile, join(dir, source.file), input.buildDate);
  const compiled = await runner.run('gcc', args, opts);
  if (compiled.exitCode !== 0) {
    throw failed(
      input,
      'gcc',
      compiled,
      'install gcc and the static C library (scripts/install-host-deps: gcc libc6-dev)',
    );
  }
}

/** Downloads the binary's Debian package into the scratch directory and copies the file out. */
export async function debExtract(input: NativeBuildInput): Promise<void> {
  const { component, binary, runner, workDir } = input;
  const source = component.spec.binaries[binary]?.source;
  if (source?.debPackage === undefined) {
    throw new Error(`${component.name}/${binary} names no Debian package`);
  }
  const opts = buildRunOptions(input.signal);
  await mkdir(workDir, { recursive: true });
  const fetched = await runner.run('apt-get', ['download', source.debPackage], {
    cwd: workDir,
    ...opts,
  });
  const debs = (await readdir(workDir)).filter(
    (f) => f.startsWith(`${source.debPackage}_`) && f.endsWith('.deb'),
  );
  const deb = debs[0];
  if (fetched.exitCode !== 0 || deb === undefined) {
    throw failed(
      input,
      `apt-get download ${source.debPackage}`,
      fetched,
      'run `apt-get update` (package lists missing), then install again',
    );
  }
  const root = join(workDir, 'root');
  const extracted = await runner.run('dpkg-deb', ['-x', join(workDir, deb), root], opts);
  if (extracted.exitCode !== 0) {
    throw failed(input, `dpkg-deb -x ${deb}`, extracted, 'check that dpkg-deb works on this host');
  }
  await copyFile(join(root, source.file), input.outFile).catch((err: Error) => {
    throw new BerthError(
      'BERTH_ERR_COMPONENT_BUILD',
      `${deb} has no ${source.file} (${err.message}); the package no longer ships ${binary} there. ` +
        `Fix: update the source of ${binary} in components/versions.json`,
    );
  });
}
