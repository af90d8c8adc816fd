/**
 * Test helpers shared by this package's unit tests: a temp cache, and a fake runner that plays
 * `go build` (writes a small file that "prints" its version) and answers `--version` probes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRunner, type FakeRunner, type RecordedCall } from './fake-runner.js';
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

export function createFakeGo(
  versionOf: (pkg: string) => string,
  options: FakeGoOptions = {},
): FakeRunner {
  return createFakeRunner(async (call: RecordedCall) => {
    if (call.command === 'go') {
      if (options.buildMs) await new Promise((r) => setTimeout(r, options.buildMs));
      if (options.buildExit) return { exitCode: options.buildExit, stderr: 'compile error: boom' };
      const out = call.args[call.args.indexOf('-o') + 1] as string;
      const pkg = call.args[call.args.length - 1] as string;
      await writeFile(out, `#!fake\nversion ${options.reportVersion ?? versionOf(pkg)}\n`);
      return {};
    }
    // Any other command is a probe of a binary the fake built or a test imported.
    const text = await readFile(call.command, 'utf8').catch(() => '');
    return { stdout: text };
  });
}

/** Component version per Go package, as the real versions.json pins them for release 1.34 and the tools. */
export function versionsByPackage(
  store: ComponentStore,
  release = '1.34',
): (pkg: string) => string {
  const byPkg = new Map<string, string>();
  for (const c of [...store.resolve(release).components, ...resolveTools(store.versions)]) {
    for (const b of Object.values(c.spec.binaries)) if (b.package) byPkg.set(b.package, c.version);
  }
  return (pkg) => byPkg.get(pkg) ?? 'unknown';
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
