/**
 * The platform images from the component cache's binaries, and publishing them: built
 * reproducibly, so publishing again uploads nothing (each blob is HEADed first) and only
 * re-puts the small manifests.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import {
  buildImage,
  corednsImage,
  fioImage,
  fioVersion,
  pauseImage,
  sharedLibraryClosure,
  toolboxImage,
  traefikImage,
  metricsServerImage,
  monitoringImage,
  type PlatformImage,
  type RegistryClient,
} from '@berth/images';

export interface BinaryAtVersion {
  path: string;
  version: string;
}

export interface PlatformImageSources {
  pause: readonly BinaryAtVersion[];
  coredns: readonly BinaryAtVersion[];
  busybox?: BinaryAtVersion;
  /** Traefik, when the cache holds it (built on demand: `--only addons`): `berth/traefik`. */
  traefik?: BinaryAtVersion;
  /** metrics-server at each version the cache holds (`--only addons`): `berth/metrics-server:<version>`. */
  metricsServer?: readonly BinaryAtVersion[];
  /**
   * The monitoring addon's binaries the cache holds (built on demand: `--only monitoring`), each
   * `berth/<binary>:<version>`; a binary may come at several versions (Prometheus does: one per
   * catalog version).
   */
  monitoring?: readonly (BinaryAtVersion & { binary: string })[];
  /**
   * The host's fio (Debian's `/usr/bin/fio`, `scripts/install-host-deps --with-test-deps`): with
   * busybox, `berth/fio`. Dynamically linked: its libraries come from the host too.
   */
  fio?: string;
  berthVersion: string;
}

export interface LoadPlatformImagesOptions {
  /**
   * Told when an optional image (`berth/fio`) cannot be built, e.g. a library is missing; the
   * others are still returned. Without it such an image is skipped silently.
   */
  skipped?: (repository: string, err: unknown) => void;
}

/**
 * Reads the binaries (and busybox's applet list, fio's libraries) and returns the image specs,
 * deduplicated.
 */
export async function loadPlatformImages(
  sources: PlatformImageSources,
  options: LoadPlatformImagesOptions = {},
): Promise<PlatformImage[]> {
  const images: PlatformImage[] = [];
  const seen = new Set<string>();
  const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
  for (const p of sources.pause)
    if (once(`pause:${p.version}`))
      images.push(pauseImage({ binary: await readFile(p.path), version: p.version }));
  for (const c of sources.coredns)
    if (once(`coredns:${c.version}`))
      images.push(corednsImage({ binary: await readFile(c.path), version: c.version }));
  if (sources.traefik)
    images.push(
      traefikImage({
        binary: await readFile(sources.traefik.path),
        version: sources.traefik.version,
      }),
    );
  for (const m of sources.metricsServer ?? [])
    if (once(`metrics-server:${m.version}`))
      images.push(metricsServerImage({ binary: await readFile(m.path), version: m.version }));
  for (const m of sources.monitoring ?? [])
    if (once(`${m.binary}:${m.version}`))
      images.push(
        monitoringImage({
          binary: m.binary,
          content: await readFile(m.path),
          version: m.version,
        }),
      );
  if (sources.busybox) {
    const { stdout } = await run(sources.busybox.path, ['--list-full']);
    const busybox = {
      busybox: await readFile(sources.busybox.path),
      busyboxVersion: sources.busybox.version,
      applets: stdout.split('\n'),
    };
    images.push(toolboxImage({ ...busybox, berthVersion: sources.berthVersion }));
    if (sources.fio !== undefined)
      await loadFioImage(sources.fio, busybox).then(
        (image) => images.push(image),
        (err: unknown) => options.skipped?.('berth/fio', err),
      );
  }
  return images;
}

const run = promisify(execFile);

async function loadFioImage(
  fioPath: string,
  busybox: { busybox: Buffer; busyboxVersion: string; applets: string[] },
): Promise<PlatformImage> {
  const fio = await readFile(fioPath);
  const libraries = await sharedLibraryClosure({ path: fioPath, content: fio }, readIfExists);
  const version = fioVersion((await run(fioPath, ['--version'])).stdout);
  return fioImage({ fio, version, libraries, ...busybox });
}

/** A host file's bytes (through symlinks), or undefined when there is none. */
async function readIfExists(file: string): Promise<Buffer | undefined> {
  return readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
}

export interface PublishedImage {
  repository: string;
  tags: string[];
  digest: string;
}

/** Pushes each image under its tags; one image at a time (a layer may be tens of MB). */
export async function publishPlatformImages(
  client: RegistryClient,
  images: readonly PlatformImage[],
): Promise<PublishedImage[]> {
  const out: PublishedImage[] = [];
  for (const image of images) {
    const built = buildImage(image.spec);
    await client.pushImage(image.repository, image.tags, built);
    out.push({ repository: image.repository, tags: image.tags, digest: built.manifest.digest });
  }
  return out;
}
