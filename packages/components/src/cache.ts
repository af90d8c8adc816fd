/**
 * The on-disk cache of component binaries:
 *   <cacheDir>/components/<component>/<version>/<binary>
 *   <cacheDir>/components/<component>/<version>/manifest.json   what was installed, with sha256
 *   <cacheDir>/components/<component>/<version>/.verified.json  stat stamps of the last full hash
 * A binary counts as installed only once the manifest lists it; the manifest is written last,
 * atomically, so a crash mid-install leaves at worst an unlisted file that the next install
 * replaces.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './hash.js';

export type BinarySource = 'built' | 'imported' | 'downloaded';

export interface BinaryRecord {
  name: string;
  version: string;
  sha256: string;
  size: number;
  source: BinarySource;
  /** ISO time the binary entered the cache. */
  installedAt: string;
  /** Seconds spent building (or importing/downloading) it. */
  buildSeconds: number;
}

export interface VersionManifest {
  component: string;
  version: string;
  binaries: Record<string, BinaryRecord>;
}

export type BinaryState = 'ok' | 'missing' | 'corrupt';

export interface BinaryCheck {
  name: string;
  path: string;
  state: BinaryState;
  record: BinaryRecord | undefined;
  /** Why a binary is corrupt: size or hash mismatch. */
  detail?: string;
}

interface StatStamp {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

export function versionDir(cacheDir: string, component: string, version: string): string {
  return join(cacheDir, 'components', component, version);
}

export async function readVersionManifest(dir: string): Promise<VersionManifest | undefined> {
  return readJson<VersionManifest>(join(dir, 'manifest.json'));
}

export async function writeVersionManifest(dir: string, manifest: VersionManifest): Promise<void> {
  await writeJsonAtomic(join(dir, 'manifest.json'), manifest);
}

/**
 * Checks the named binaries of a version dir against its manifest. With `full` every binary is
 * re-hashed; without it a binary whose size, mtime and inode equal the stamp left by its last
 * full hash is trusted (a cache hit must stay fast: ~270 MB of binaries). Any replacement of a
 * file through rename or write changes inode or mtime, so it is hashed again.
 */
export async function checkBinaries(
  dir: string,
  manifest: VersionManifest | undefined,
  names: string[],
  options: { full: boolean },
): Promise<BinaryCheck[]> {
  const stampsFile = join(dir, '.verified.json');
  const stamps = (await readJson<Record<string, StatStamp>>(stampsFile)) ?? {};
  let stampsChanged = false;
  const checks: BinaryCheck[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const record = manifest?.binaries[name];
    const st = await stat(path).catch(() => undefined);
    if (!record || !st) {
      checks.push({ name, path, state: 'missing', record });
      continue;
    }
    if (st.size !== record.size) {
      checks.push({
        name,
        path,
        state: 'corrupt',
        record,
        detail: `size ${st.size} ≠ ${record.size}`,
      });
      continue;
    }
    const stamp = stamps[name];
    const stampFits =
      stamp?.size === st.size &&
      stamp.mtimeMs === st.mtimeMs &&
      stamp.ino === st.ino &&
      stamp.sha256 === record.sha256;
    if (!options.full && stampFits) {
      checks.push({ name, path, state: 'ok', record });
      continue;
    }
    const sha256 = await sha256File(path);
    if (sha256 !== record.sha256) {
      checks.push({
        name,
        path,
        state: 'corrupt',
        record,
        detail: `sha256 ${sha256} ≠ ${record.sha256}`,
      });
      continue;
    }
    stamps[name] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
    stampsChanged = true;
    checks.push({ name, path, state: 'ok', record });
  }
  if (stampsChanged) await writeJsonAtomic(stampsFile, stamps);
  return checks;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** Writes through a temp file and rename, so readers see the old or the new file, never half. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, file);
}
