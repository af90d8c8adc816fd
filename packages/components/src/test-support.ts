/**
 * Test helpers shared by this package's unit tests: a temp cache, and a fake runner that plays
 * the builders (`go build`, `go mod download` + `gcc`, `apt-get download` + `dpkg-deb -x`; each
 * writes a small file that "prints" its version) and answers `--version` probes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FakeRunner, type FakeCall } from '@berth/exec';
import { createComponentStore, type ComponentStore, type ComponentStoreOptions } from './store.js';
import { defaultComponentsDir, resolveTools } from './versions.js';

export async function tempDir(
  prefix = 'berth-components-',
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Version a fake binary reports: the `-X …gitVersion=` or package's component version. */
export interface FakeGoOptions {
  /** Milliseconds each fake build takes. */
  buildMs?: number;
  /** Exit code of `go build` (0 = success). */
  buildExit?: number;
  /** Overrides what the built binary prints for `--version`. */
  reportVersion?: string;
}

/** Where the fake `go mod download -json` says a module's source is. */
export const FAKE_MODULE_DIR = '/fake/gomodcache/mod';

/**
 * `versionOf` maps a Go package (go build) or a binary name (gcc, deb) to the version the fake
 * binary reports.
 */
export function createFakeGo(
  versionOf: (pkgOrBinary: string) => string,
  options: FakeGoOptions = {},
): FakeRunner {
  const fakeBinary = (out: string, key: string) =>
    writeFile(out, `#!fake\nversion ${options.reportVersion ?? versionOf(key)}\n`);
  return new FakeRunner(async (call: FakeCall) => {
    const build = async (write: () => Promise<void>) => {
      if (options.buildMs) await new Promise((r) => setTimeout(r, options.buildMs));
      if (options.buildExit) return { exitCode: options.buildExit, stderr: 'compile error: boom' };
      await write();
      return {};
    };
    if (call.command === 'go' && call.args[0] === 'mod') {
      const module = call.args.at(-1) as string;
      return { stdout: JSON.stringify({ Path: module, Version: 'v1.0.0', Dir: FAKE_MODULE_DIR }) };
    }
    if (call.command === 'go' || call.command === 'gcc') {
      const out = call.args[call.args.indexOf('-o') + 1] as string;
      const pkg = call.args[call.args.length - 1] as string;
      return build(() => fakeBinary(out, call.command === 'go' ? pkg : basename(out)));
    }
    if (call.command === 'apt-get') {
      const pkg = call.args.at(-1) as string;
      return build(() => writeFile(join(call.options.cwd ?? '.', `${pkg}_1.0-1_amd64.deb`), 'deb'));
    }
    if (call.command === 'dpkg-deb') {
      // dpkg-deb -x <deb> <root>: the fake package holds bin/<name> for every name it is asked.
      const root = call.args.at(-1) as string;
      await mkdir(join(root, 'bin'), { recursive: true });
      for (const name of ['busybox']) await fakeBinary(join(root, 'bin', name), name);
      return {};
    }
    // Any other command is a probe of a binary the fake built or a test imported.
    const text = await readFile(call.command, 'utf8').catch(() => '');
    return { stdout: text };
  });
}

/**
 * Component version per Go package and per binary name, as the real versions.json pins them
 * for release 1.34 and the tools.
 */
export function versionsByPackage(
  store: ComponentStore,
  release = '1.34',
): (pkgOrBinary: string) => string {
  const byKey = new Map<string, string>();
  for (const c of [...store.resolve(release).components, ...resolveTools(store.versions)]) {
    for (const [name, b] of Object.entries(c.spec.binaries)) {
      if (b.package) byKey.set(b.package, c.version);
      byKey.set(name, c.version);
    }
  }
  return (key) => byKey.get(key) ?? 'unknown';
}

export function storeWith(
  cacheDir: string,
  runner: FakeRunner,
  extra: Partial<ComponentStoreOptions> = {},
): ComponentStore {
  return createComponentStore({
    cacheDir,
    componentsDir: defaultComponentsDir(),
    runner,
    now: () => new Date('2026-01-02T03:04:05.678Z'),
    ...extra,
  });
}
