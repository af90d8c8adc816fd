/**
 * The component store: the one way Berth gets a Kubernetes component binary. `path()` hands
 * out only binaries whose sha256 matches what the cache recorded; `install()` fills the cache.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import type { CommandRunner } from '@berth/exec';
import {
  checkBinaries,
  readVersionManifest,
  versionDir,
  type BinaryCheck,
  type BinaryRecord,
} from './cache.js';
import type { FetchFn } from './fetch-binary.js';
import { installComponent, type ComponentInstallResult, type InstallOptions } from './install.js';
import {
  componentOfBinary,
  expandOnly,
  loadVersionsManifest,
  resolveRelease,
  resolveTools,
  toolOfBinary,
  TOOLS,
  type Release,
  type ResolvedComponent,
  type VersionsManifest,
} from './versions.js';

export interface ComponentStoreOptions {
  /** Root of the cache; binaries live under `<cacheDir>/components/`. */
  cacheDir: string;
  /** The repository's `components/` directory: versions.json and the Go wrapper modules. */
  componentsDir: string;
  runner: CommandRunner;
  /** Defaults to the manifest read from `componentsDir/versions.json`. */
  versions?: VersionsManifest;
  /** Base URL of a mirror of release binaries (`<url>/<component>/<version>/<binary>`). */
  mirrorUrl?: string;
  fetch?: FetchFn;
  goBinary?: string;
  now?: () => Date;
}

export interface InstallResult {
  release: Release;
  components: ComponentInstallResult[];
}

export interface ComponentStatus {
  component: string;
  version: string;
  /** Quick check (stat stamps); `verify` re-hashes. */
  binaries: BinaryCheck[];
  /** Set when this component cannot be built here. */
  notBuildable?: string;
}

export interface CachedEntry {
  component: string;
  version: string;
  binaries: BinaryRecord[];
}

export interface ComponentStore {
  readonly versions: VersionsManifest;
  resolve(version: string): Release;
  install(version: string, options?: InstallOptions): Promise<InstallResult>;
  /** Installs the tools (`versions.json` `tools`: tofu, terraform); `only` names binaries. */
  installTools(options?: InstallOptions): Promise<ComponentInstallResult[]>;
  /**
   * Verified path of a binary: a tool's (whatever `version` says) or one of the release's.
   * Throws BERTH_ERR_COMPONENT_MISSING or _CORRUPT with a fix.
   */
  path(binary: string, version: string): Promise<string>;
  /** Quick state of every binary of a release, or of the tools for `tools`. */
  status(version: string): Promise<ComponentStatus[]>;
  /** Full re-hash of every binary of a release, or of the tools for `tools`. */
  verify(version: string): Promise<ComponentStatus[]>;
  /** Everything in the cache, whatever release it belongs to. */
  listCached(): Promise<CachedEntry[]>;
}

export function createComponentStore(options: ComponentStoreOptions): ComponentStore {
  const versions = options.versions ?? loadVersionsManifest(options.componentsDir);
  const ctx = {
    cacheDir: options.cacheDir,
    componentsDir: options.componentsDir,
    runner: options.runner,
    fetch: options.fetch ?? fetch,
    goBinary: options.goBinary ?? 'go',
    mirrorUrl: options.mirrorUrl,
    now: options.now ?? (() => new Date()),
  };
  const resolve = (version: string) => resolveRelease(versions, version);

  const componentsOf = (version: string) =>
    version === TOOLS ? resolveTools(versions) : resolve(version).components;

  async function statusOf(version: string, full: boolean): Promise<ComponentStatus[]> {
    return Promise.all(
      componentsOf(version).map(async (c) => {
        const dir = versionDir(ctx.cacheDir, c.name, c.version);
        const names = Object.keys(c.spec.binaries);
        const binaries = await checkBinaries(dir, await readVersionManifest(dir), names, { full });
        const base = { component: c.name, version: c.version, binaries };
        return c.spec.notBuildable ? { ...base, notBuildable: c.spec.notBuildable } : base;
      }),
    );
  }

  async function installAll(components: ResolvedComponent[], installOptions: InstallOptions) {
    // `only` may name sets (node, control-plane, …); unknown names are refused here.
    const only =
      installOptions.only === undefined ? undefined : expandOnly(versions, installOptions.only);
    const results: ComponentInstallResult[] = [];
    for (const component of components) {
      const names = selectBinaries(component, only);
      if (names.length === 0) continue;
      installOptions.signal?.throwIfAborted();
      const installed = await installComponent(ctx, component, names, installOptions).catch(
        (err: unknown) => {
          // A command cut short by the signal fails with the runner's error; the caller (e.g.
          // Ctrl-C in `berth components install`) gave the abort its reason, and hears that.
          installOptions.signal?.throwIfAborted();
          throw err;
        },
      );
      results.push(installed);
    }
    return results;
  }

  return {
    versions,
    resolve,
    async install(version, installOptions = {}) {
      const release = resolve(version);
      return { release, components: await installAll(release.components, installOptions) };
    },
    installTools: (installOptions = {}) => installAll(resolveTools(versions), installOptions),
    async path(binary, version) {
      const tool = toolOfBinary(versions, binary);
      const component = tool ?? componentOfBinary(resolve(version), binary);
      const dir = versionDir(ctx.cacheDir, component.name, component.version);
      const [check] = await checkBinaries(dir, await readVersionManifest(dir), [binary], {
        full: false,
      });
      if (check?.state === 'ok') return check.path;
      throw unusable(tool ? TOOLS : resolve(version).minor, component, binary, check);
    },
    status: (version) => statusOf(version, false),
    verify: (version) => statusOf(version, true),
    listCached: () => listCached(ctx.cacheDir),
  };
}

function selectBinaries(component: ResolvedComponent, only: string[] | undefined): string[] {
  const names = Object.keys(component.spec.binaries);
  if (only === undefined) return component.spec.onlyWhenNamed === true ? [] : names;
  return names.filter((n) => only.includes(n));
}

/** `installArg` is what `berth components install` takes for it: a release's minor or `tools`. */
function unusable(
  installArg: string,
  component: ResolvedComponent,
  binary: string,
  check?: BinaryCheck,
): BerthError {
  const fix = component.spec.notBuildable
    ? `berth components install ${installArg} --from-dir DIR (official ${binary} ${component.version} with its .sha256)`
    : `berth components install ${installArg}`;
  const details = { component: component.name, binary, version: component.version };
  if (check?.state === 'corrupt') {
    return new BerthError(
      'BERTH_ERR_COMPONENT_CORRUPT',
      `${binary} ${component.version} in ${check.path} failed verification (${check.detail}); ` +
        `it will not be used. Fix: ${fix} (replaces it)`,
      { details },
    );
  }
  return new BerthError(
    'BERTH_ERR_COMPONENT_MISSING',
    `${binary} ${component.version} is not installed. Fix: ${fix}`,
    { details },
  );
}

async function listCached(cacheDir: string): Promise<CachedEntry[]> {
  const root = join(cacheDir, 'components');
  const entries: CachedEntry[] = [];
  for (const component of await dirNames(root)) {
    for (const version of await dirNames(join(root, component))) {
      const manifest = await readVersionManifest(join(root, component, version));
      if (manifest)
        entries.push({ component, version, binaries: Object.values(manifest.binaries) });
    }
  }
  return entries;
}

async function dirNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.endsWith('.lock'))
    .map((e) => e.name)
    .sort();
}
