/**
 * Installing one component of a release into the cache. The flow, under a per-version lock:
 * re-check what is there → for each missing or corrupt binary pick a source (--from-dir, mirror,
 * go build) → write it into a temp dir beside the cache entry → probe `--version` → rename it
 * into place → record it in the manifest. Nothing half-written is ever listed.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '@berth/exec';
import {
  checkBinaries,
  readVersionManifest,
  versionDir,
  writeVersionManifest,
  type BinaryRecord,
  type BinarySource,
  type VersionManifest,
} from './cache.js';
import { dirHasBinary, downloadFromMirror, importFromDir, type FetchFn } from './fetch-binary.js';
import { goBuild } from './go-build.js';
import { debExtract, gccBuild } from './native-build.js';
import { probeVersion } from './version-probe.js';
import { sha256File } from './hash.js';
import { withLock } from './lock.js';
import type { InstallEvent, ProgressListener } from './progress.js';
import { isBuildable, type ResolvedComponent } from './versions.js';

export interface InstallContext {
  cacheDir: string;
  componentsDir: string;
  runner: CommandRunner;
  fetch: FetchFn;
  goBinary: string;
  mirrorUrl: string | undefined;
  now: () => Date;
}

export interface InstallOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Import official binaries found in this directory (checksums required). */
  fromDir?: string;
  /**
   * Install only these binaries (e.g. `['etcd', 'kube-apiserver']`) or sets of them (`node`,
   * `control-plane`, … from versions.json); default all.
   */
  only?: string[];
}

export type ComponentInstallStatus = 'cached' | 'installed' | 'unavailable';

export interface ComponentInstallResult {
  component: string;
  version: string;
  status: ComponentInstallStatus;
  /** Binaries this call put into the cache. */
  installed: BinaryRecord[];
  reason?: string;
}

export async function installComponent(
  ctx: InstallContext,
  component: ResolvedComponent,
  names: string[],
  options: InstallOptions,
): Promise<ComponentInstallResult> {
  const dir = versionDir(ctx.cacheDir, component.name, component.version);
  const subject = { component: component.name, version: component.version };
  const emit = (e: InstallEvent) => options.onProgress?.(e);
  const result = (
    status: ComponentInstallStatus,
    installed: BinaryRecord[] = [],
    reason?: string,
  ) => {
    if (status === 'cached') emit({ ...subject, type: 'cached' });
    if (status === 'unavailable') emit({ ...subject, type: 'unavailable', reason: reason ?? '' });
    return { ...subject, status, installed, ...(reason ? { reason } : {}) };
  };

  // Fast path without the lock: a complete, verified entry needs no writer.
  if (await allOk(dir, names)) return result('cached');
  if (!(await hasSource(ctx, component, names, options))) {
    return result('unavailable', [], component.spec.notBuildable ?? 'no way to build it here');
  }
  await mkdir(dir, { recursive: true });
  const lockOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: () => emit({ ...subject, type: 'waiting-for-lock' }),
  };
  return withLock(dir, lockOptions, async () => {
    const manifest = (await readVersionManifest(dir)) ?? { ...subject, binaries: {} };
    const checks = await checkBinaries(dir, manifest, names, { full: false });
    const todo = checks.filter((c) => c.state !== 'ok');
    if (todo.length === 0) return result('cached');
    for (const c of todo.filter((c) => c.state === 'corrupt')) {
      emit({
        ...subject,
        type: 'note',
        message: `${c.name} failed verification (${c.detail}); replacing it`,
      });
    }
    const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp);
    const installed: BinaryRecord[] = [];
    const skipped: string[] = [];
    try {
      for (const { name } of todo) {
        const record = await installBinary(ctx, component, name, tmp, dir, options, emit);
        if (record === undefined) {
          skipped.push(name);
          continue;
        }
        manifest.binaries[name] = record;
        await writeVersionManifest(dir, manifest as VersionManifest);
        installed.push(record);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    // Stamp what was just installed so the next cache hit does not re-hash it.
    await checkBinaries(
      dir,
      manifest,
      installed.map((r) => r.name),
      { full: true },
    );
    if (skipped.length > 0) return result('unavailable', installed, component.spec.notBuildable);
    return result('installed', installed);
  });
}

async function allOk(dir: string, names: string[]): Promise<boolean> {
  const manifest = await readVersionManifest(dir);
  if (!manifest) return false;
  const checks = await checkBinaries(dir, manifest, names, { full: false });
  return checks.every((c) => c.state === 'ok');
}

/** Whether any source could provide a missing binary: build, mirror or --from-dir. */
async function hasSource(
  ctx: InstallContext,
  component: ResolvedComponent,
  names: string[],
  options: InstallOptions,
): Promise<boolean> {
  if (isBuildable(component)) return true;
  if (ctx.mirrorUrl !== undefined) return true;
  const dir = options.fromDir;
  if (dir === undefined) return false;
  const present = await Promise.all(names.map((n) => dirHasBinary(dir, n)));
  return present.some(Boolean);
}

/** Gets one binary into the cache; undefined when no source can provide it here. */
async function installBinary(
  ctx: InstallContext,
  component: ResolvedComponent,
  name: string,
  tmp: string,
  dir: string,
  options: InstallOptions,
  emit: (e: InstallEvent) => void,
): Promise<BinaryRecord | undefined> {
  const subject = { component: component.name, version: component.version, binary: name };
  const tmpFile = join(tmp, name);
  const started = Date.now();
  const elapsed = () => Math.round((Date.now() - started) / 1000);
  let source: BinarySource | undefined;
  const ticker = setInterval(() => {
    if (source) emit({ ...subject, type: 'binary-tick', source, elapsedSeconds: elapsed() });
  }, 1000);
  try {
    source = await fetchOrBuild(ctx, component, name, tmpFile, options, (s) => {
      source = s;
      emit({ ...subject, type: 'binary-start', source: s });
    });
  } finally {
    clearInterval(ticker);
  }
  if (source === undefined) return undefined;
  await chmod(tmpFile, 0o755);
  await probeVersion(ctx.runner, component, name, tmpFile, options.signal);
  const [sha256, { size }] = await Promise.all([sha256File(tmpFile), stat(tmpFile)]);
  await rename(tmpFile, join(dir, name));
  emit({ ...subject, type: 'binary-done', source, elapsedSeconds: elapsed(), size });
  return {
    name,
    version: component.version,
    sha256,
    size,
    source,
    installedAt: ctx.now().toISOString(),
    buildSeconds: (Date.now() - started) / 1000,
  };
}

/** Source order: --from-dir, then the mirror, then go build; undefined when none applies. */
async function fetchOrBuild(
  ctx: InstallContext,
  component: ResolvedComponent,
  name: string,
  outFile: string,
  options: InstallOptions,
  started: (source: BinarySource) => void,
): Promise<BinarySource | undefined> {
  if (options.fromDir !== undefined && (await dirHasBinary(options.fromDir, name))) {
    started('imported');
    await importFromDir(options.fromDir, name, outFile);
    return 'imported';
  }
  if (ctx.mirrorUrl !== undefined) {
    started('downloaded');
    const path = { component: component.name, version: component.version, binary: name };
    const digest = await downloadFromMirror(
      ctx.fetch,
      ctx.mirrorUrl,
      path,
      outFile,
      options.signal,
    );
    if (digest !== undefined) return 'downloaded';
  }
  if (!isBuildable(component)) return undefined;
  started('built');
  const input = {
    runner: ctx.runner,
    goBinary: ctx.goBinary,
    componentsDir: ctx.componentsDir,
    component,
    binary: name,
    outFile,
    buildDate: ctx.now(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const workDir = `${outFile}.work`;
  switch (component.spec.builder ?? 'go') {
    case 'go':
      await goBuild(input);
      break;
    case 'gcc':
      await gccBuild({ ...input, workDir });
      break;
    case 'deb':
      await debExtract({ ...input, workDir });
      break;
  }
  return 'built';
}
