/**
 * A reproducible POSIX ustar writer: the same entries always give the same bytes. Every entry is
 * owned by 0:0 with empty user and group names and mtime 0, so a layer's digest depends only on
 * paths, modes and contents — never on when or by whom an image was built.
 */
import { errors } from '@berth/errors';

export type TarEntry =
  | { type: 'file'; path: string; mode: number; content: Uint8Array }
  | { type: 'dir'; path: string; mode: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;

/** The archive of `entries` in the order given, ended by two zero blocks. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === 'file' ? Buffer.from(entry.content) : Buffer.alloc(0);
    parts.push(header(entry, content.length), content, Buffer.alloc(padding(content.length)));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const { name, prefix } = splitPath(entry.type === 'dir' ? `${entry.path}/` : entry.path);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, entry.type === 'symlink' ? 0o777 : entry.mode);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0); // mtime
  block.write(' '.repeat(8), 148, 8, 'ascii'); // checksum placeholder
  block.write(entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2', 156, 1, 'ascii');
  if (entry.type === 'symlink') {
    if (Buffer.byteLength(entry.target) > 100)
      throw errors.invalid('target', `symlink target too long: ${entry.target}`);
    block.write(entry.target, 157, 100, 'utf8');
  }
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  octal(block, 329, 8, 0); // devmajor
  octal(block, 337, 8, 0); // devminor
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** ustar keeps up to 100 bytes in `name` and 155 more, split at a slash, in `prefix`. */
function splitPath(path: string): { name: string; prefix: string } {
  if (path.startsWith('/') || path.split('/').includes('..'))
    throw errors.invalid('path', `tar paths are relative and never climb: ${path}`);
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  const cut = path.lastIndexOf('/', path.length - 2);
  const prefix = path.slice(0, cut);
  const name = path.slice(cut + 1);
  if (cut <= 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100)
    throw errors.invalid('path', `path too long for ustar: ${path}`);
  return { name, prefix };
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
