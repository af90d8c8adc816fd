/**
 * Checksums published beside release binaries: a `SHA256SUMS`-style file (`<hex>  <name>` or
 * `<hex> *<name>` lines) or one `<binary>.sha256` file per binary, holding the hex digest alone
 * or followed by the name — the two forms Kubernetes and etcd releases use.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const SUM_FILES = ['SHA256SUMS', 'sha256sums.txt', 'SHA256SUMS.txt', 'checksums.txt'];

/** Parses SHA256SUMS text into name → lower-case hex digest; ignores lines that do not fit. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m) sums.set(baseName(m[2] as string), (m[1] as string).toLowerCase());
  }
  return sums;
}

/** Parses a `<binary>.sha256` file: the first token must be a 64-hex digest. */
export function parseSha256File(text: string): string | undefined {
  const token = text.trim().split(/\s+/)[0] ?? '';
  return /^[0-9a-fA-F]{64}$/.test(token) ? token.toLowerCase() : undefined;
}

/** The published digest for `binary` in `dir`, or undefined when the directory has none. */
export async function findChecksumInDir(dir: string, binary: string): Promise<string | undefined> {
  const own = await readIfExists(join(dir, `${binary}.sha256`));
  if (own !== undefined) return parseSha256File(own);
  for (const file of SUM_FILES) {
    const text = await readIfExists(join(dir, file));
    const digest = text === undefined ? undefined : parseSha256Sums(text).get(binary);
    if (digest) return digest;
  }
  return undefined;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

async function readIfExists(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}
