/**
 * The files a dynamically linked program needs in an image of its own: its interpreter (the
 * dynamic loader) and the closure of its `DT_NEEDED` libraries, each at the path the loader
 * finds it at inside the image. Reads go through the `read` callback the caller passes (the host
 * filesystem at the edge, a map in tests); everything else is pure and the result is sorted, so
 * the same files give the same image.
 */
import path from 'node:path/posix';
import { errors } from '@berth/errors';
import { elfDynamicInfo } from './elf.js';
import type { ImageFile } from './image.js';

/** Resolves to the file's bytes (following symlinks), or undefined when there is none. */
export type ReadHostFile = (path: string) => Promise<Uint8Array | undefined>;

/**
 * glibc's built-in search path on Debian amd64 (`ld.so --help`, "system search path"). An image
 * has no `/etc/ld.so.cache`, so these and the objects' run paths are all the loader searches.
 */
export const DEBIAN_AMD64_LIBRARY_DIRS: readonly string[] = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib',
  '/usr/lib',
];

/**
 * The interpreter (mode 0755, at its `PT_INTERP` path) and every library the loader maps for
 * `program` (mode 0644), found as glibc searches: the requesting object's `DT_RPATH` when it has
 * no `DT_RUNPATH`, else its `DT_RUNPATH` (`$ORIGIN` expanded), then `searchDirs`. A name is
 * loaded once, whoever needs it; the interpreter satisfies its own soname. Simplified from
 * glibc: `DT_RPATH` of the objects that loaded the requester is not inherited.
 * @throws BERTH_ERR_VALIDATION when a needed library is nowhere on the search path, or a file
 *   is not a 64-bit little-endian ELF
 */
export async function sharedLibraryClosure(
  program: { path: string; content: Uint8Array },
  read: ReadHostFile,
  searchDirs: readonly string[] = DEBIAN_AMD64_LIBRARY_DIRS,
): Promise<ImageFile[]> {
  const files = new Map<string, ImageFile>();
  const loaded = new Set<string>();
  const { interpreter } = elfDynamicInfo(program.content);
  if (interpreter !== undefined) {
    const content = await read(interpreter);
    if (content === undefined)
      throw errors.invalid('interpreter', `${interpreter} (of ${program.path}) not found`);
    files.set(interpreter, { path: interpreter, content, mode: 0o755 });
    loaded.add(path.basename(interpreter));
  }
  const queue = [program];
  for (let object = queue.shift(); object !== undefined; object = queue.shift()) {
    const info = elfDynamicInfo(object.content);
    const own = info.runpath.length > 0 ? info.runpath : info.rpath;
    const origin = path.dirname(object.path);
    const dirs = [...own.map((d) => d.replaceAll(/\$\{?ORIGIN\}?/g, origin)), ...searchDirs];
    for (const name of info.needed) {
      if (loaded.has(name)) continue;
      loaded.add(name);
      const found = await findLibrary(name, dirs, read);
      if (found === undefined)
        throw errors.invalid(
          'library',
          `${name} (needed by ${object.path}) is not in ${dirs.join(', ')}`,
        );
      files.set(found.path, { ...found, mode: 0o644 });
      queue.push(found);
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function findLibrary(
  name: string,
  dirs: readonly string[],
  read: ReadHostFile,
): Promise<{ path: string; content: Uint8Array } | undefined> {
  const candidates = name.includes('/') ? [name] : dirs.map((d) => path.join(d, name));
  for (const candidate of candidates) {
    const content = await read(candidate);
    if (content !== undefined) return { path: candidate, content };
  }
  return undefined;
}
