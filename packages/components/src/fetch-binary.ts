/**
 * Binaries that come from outside the Go build: official release binaries in a directory
 * (`--from-dir`) or on a mirror (`BERTH_COMPONENTS_MIRROR`). Both are accepted only when a
 * published sha256 exists and matches; a missing or mismatching checksum is a refusal, never a
 * warning, because the binary would run as root with the cluster's keys.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BerthError } from '@berth/errors';
import { findChecksumInDir, parseSha256File } from './checksums.js';
import { sha256File } from './hash.js';

export type FetchFn = typeof fetch;

/** True when `dir` holds a file named `binary`. */
export async function dirHasBinary(dir: string, binary: string): Promise<boolean> {
  return (await stat(join(dir, binary)).catch(() => undefined))?.isFile() ?? false;
}

/** Copies `dir/binary` to `outFile` after checking it against the directory's checksums. */
export async function importFromDir(dir: string, binary: string, outFile: string): Promise<string> {
  const expected = await findChecksumInDir(dir, binary);
  if (expected === undefined) {
    throw corrupt(
      `refusing to import ${binary} from ${dir}: no checksum for it (expected ${binary}.sha256 or a ` +
        `SHA256SUMS line). Fix: put the checksum file published with the release beside it.`,
    );
  }
  await copyFile(join(dir, binary), outFile);
  return expectDigest(outFile, expected, `${join(dir, binary)}`);
}

/**
 * Downloads `<mirror>/<component>/<version>/<binary>` and its `.sha256`. Returns undefined
 * when the mirror has no such binary (404), so the caller can build instead.
 */
export async function downloadFromMirror(
  fetchFn: FetchFn,
  mirror: string,
  path: { component: string; version: string; binary: string },
  outFile: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const url = `${mirror.replace(/\/+$/, '')}/${path.component}/${path.version}/${path.binary}`;
  const init = signal ? { signal } : {};
  const sumResponse = await fetchFn(`${url}.sha256`, init);
  const binResponse =
    sumResponse.ok || sumResponse.status === 404 ? await fetchFn(url, init) : undefined;
  if (sumResponse.status === 404 && binResponse?.status === 404) return undefined;
  if (!sumResponse.ok) {
    throw corrupt(
      `refusing ${url}: its checksum ${url}.sha256 answered HTTP ${sumResponse.status}`,
    );
  }
  const expected = parseSha256File(await sumResponse.text());
  if (expected === undefined)
    throw corrupt(`refusing ${url}: ${url}.sha256 holds no sha256 digest`);
  if (!binResponse?.ok || !binResponse.body) {
    throw new BerthError(
      'BERTH_ERR_UNAVAILABLE',
      `download of ${url} answered HTTP ${binResponse?.status}`,
    );
  }
  await pipeline(
    Readable.fromWeb(binResponse.body as WebReadableStream),
    createWriteStream(outFile),
  );
  return expectDigest(outFile, expected, url);
}

async function expectDigest(file: string, expected: string, origin: string): Promise<string> {
  const actual = await sha256File(file);
  if (actual !== expected) {
    throw corrupt(`refusing ${origin}: sha256 ${actual} does not match the published ${expected}`);
  }
  return actual;
}

function corrupt(message: string): BerthError {
  return new BerthError('BERTH_ERR_COMPONENT_CORRUPT', message);
}
