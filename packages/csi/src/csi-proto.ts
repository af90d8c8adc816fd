/**
 * Where the driver's protocol comes from. Berth keeps no upstream source in its repository, so
 * `csi.proto` is fetched at run time: it is the file at the root of the Go module
 * `github.com/container-storage-interface/spec` at a pinned release, as the Go module proxy
 * serves it (`go mod download`, which also checks the module against Go's checksum database).
 * Berth checks the file against its own pinned sha256 and caches it under Berth's cache
 * directory, `<cacheDir>/components/csi-spec/<version>/csi.proto`; after the first call nothing
 * is downloaded again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BerthError } from '@berth/errors';
import type { CommandRunner, RunResult } from '@berth/exec';

/** The Go module that holds the CSI specification and its `csi.proto`. */
export const CSI_SPEC_MODULE = 'github.com/container-storage-interface/spec';
/**
 * The spec release the driver implements. `components/csi-sanity/go.mod` requires the same
 * release (a unit test keeps the two in step), so csi-sanity tests the protocol the driver serves.
 */
export const CSI_SPEC_VERSION = 'v1.13.0';
/** sha256 (hex) of `csi.proto` in `CSI_SPEC_MODULE@CSI_SPEC_VERSION`. */
export const CSI_PROTO_SHA256 = '8c5604cb76fefff19c01cf88ebd229e4f8c88c419898b07e4914318d25d84af3';

/** A release of the spec and the sha256 its `csi.proto` must have. */
export interface CsiProtoPin {
  version: string;
  sha256: string;
}

export interface EnsureCsiProtoOptions {
  /** Runs `go mod download` (a ProcessRunner; unit tests pass a FakeRunner). */
  runner: CommandRunner;
  /** The Go command; default `go` from PATH. */
  goBinary?: string;
  signal?: AbortSignal;
  /** The release and content to accept; default the driver's own pin (tests pin others). */
  pin?: CsiProtoPin;
}

const DRIVER_PIN: CsiProtoPin = { version: CSI_SPEC_VERSION, sha256: CSI_PROTO_SHA256 };

/** The cached, verified `csi.proto` of a release: `<cacheDir>/components/csi-spec/<version>/csi.proto`. */
export function csiProtoCachePath(cacheDir: string, version: string = CSI_SPEC_VERSION): string {
  return join(cacheDir, 'components', 'csi-spec', version, 'csi.proto');
}

/**
 * The path of a `csi.proto` whose sha256 is the pinned one, fetching it when needed: the cached
 * file when it is there and verifies; otherwise (missing, or altered: it is replaced) the file
 * from the Go module, verified, then cached atomically (concurrent callers each write a whole
 * file). The bytes cached are the bytes hashed. Throws BERTH_ERR_COMPONENT_MISSING when Go is
 * not installed or the module cannot be downloaded (retryable), BERTH_ERR_COMPONENT_CORRUPT
 * when the module's file is missing or its hash is not the pinned one; each names the fix.
 */
export async function ensureCsiProto(
  cacheDir: string,
  options: EnsureCsiProtoOptions,
): Promise<string> {
  const pin = options.pin ?? DRIVER_PIN;
  const cached = csiProtoCachePath(cacheDir, pin.version);
  const existing = await readIfExists(cached);
  if (existing !== undefined && sha256Hex(existing) === pin.sha256) return cached;
  await mkdir(dirname(cached), { recursive: true });
  const moduleDir = await goModDownload(options, `${CSI_SPEC_MODULE}@${pin.version}`, {
    cwd: dirname(cached),
  });
  const bytes = await readVerified(join(moduleDir, 'csi.proto'), pin);
  await writeFileAtomic(cached, bytes);
  return cached;
}

/** Hex sha256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file's bytes, or undefined when there is no such file. */
async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Runs `go mod download -json <module@version>` (GOTOOLCHAIN=local, outside any workspace, in
 * `cwd`) and returns the module's directory in Go's module cache (`Dir` of the JSON it prints).
 * Throws BERTH_ERR_COMPONENT_MISSING: not retryable when Go is not installed, retryable when the
 * download fails or names no directory.
 */
export async function goModDownload(
  options: Pick<EnsureCsiProtoOptions, 'runner' | 'goBinary' | 'signal'>,
  moduleAtVersion: string,
  { cwd }: { cwd: string },
): Promise<string> {
  const go = options.goBinary ?? 'go';
  const args = ['mod', 'download', '-json', moduleAtVersion];
  const result = await options.runner.run(go, args, {
    check: false,
    cwd,
    env: { GOTOOLCHAIN: 'local', GOWORK: 'off' },
    maxOutputChars: 64 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const details = { module: moduleAtVersion, command: `${go} ${args.join(' ')}` };
  if (result.exitCode === 127) {
    throw new BerthError(
      'BERTH_ERR_COMPONENT_MISSING',
      `Go is not installed (\`${go}\` not found): the CSI driver's protocol (csi.proto) comes ` +
        `from the Go module ${moduleAtVersion}, fetched with \`go mod download\`. ` +
        `Fix: install Go and put \`go\` on PATH (\`berth doctor\` checks it), then retry.`,
      { details },
    );
  }
  const printed = parseDownloadJson(result.stdout);
  if (result.exitCode !== 0 || !printed.Dir) {
    throw new BerthError(
      'BERTH_ERR_COMPONENT_MISSING',
      `\`${details.command}\` ${result.exitCode === 0 ? 'printed no module directory' : `failed (exit ${result.exitCode})`}` +
        `: ${printed.Error ?? outputTail(result)}. Fix: make the Go module proxy reachable ` +
        `(GOPROXY, by default proxy.golang.org) or fill Go's module cache with ${moduleAtVersion}, then retry.`,
      { details, retryable: true },
    );
  }
  return printed.Dir;
}

/** The fields of `go mod download -json` used here; {} when stdout is not that JSON. */
function parseDownloadJson(stdout: string): { Dir?: string; Error?: string } {
  try {
    const parsed = JSON.parse(stdout) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function outputTail(result: RunResult): string {
  const text = (result.stderr || result.stdout).trim();
  return text === '' ? 'no output' : text.split('\n').slice(-10).join('\n');
}

/**
 * The bytes of the module's `csi.proto` when their sha256 is the pin's; otherwise throws
 * BERTH_ERR_COMPONENT_CORRUPT (the file is not used).
 */
async function readVerified(file: string, pin: CsiProtoPin): Promise<Buffer> {
  const details = { file, version: pin.version, expectedSha256: pin.sha256 };
  const bytes = await readIfExists(file);
  if (bytes === undefined) {
    throw new BerthError(
      'BERTH_ERR_COMPONENT_CORRUPT',
      `${CSI_SPEC_MODULE}@${pin.version} has no csi.proto (${file}). Fix: remove the module ` +
        `from Go's module cache (\`go clean -modcache\`), then retry.`,
      { details },
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== pin.sha256) {
    throw new BerthError(
      'BERTH_ERR_COMPONENT_CORRUPT',
      `csi.proto of ${CSI_SPEC_MODULE}@${pin.version} (${file}) has sha256 ${actual}, not the ` +
        `pinned ${pin.sha256}; it will not be used. Fix: remove the module from Go's module ` +
        `cache (\`go clean -modcache\`) and retry; if it still differs, the module proxy serves ` +
        `other content than the release Berth pinned.`,
      { details: { ...details, actualSha256: actual } },
    );
  }
  return bytes;
}

/**
 * Writes `bytes` to `file` through a temporary file in the same directory and a rename, so a
 * reader sees the old file or the whole new one, never a part.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
