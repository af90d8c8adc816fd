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
  pauseImage,
  toolboxImage,
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
  berthVersion: string;
}

/** Reads the binaries (and busybox's applet list) and returns the image specs, deduplicated. */
export async function loadPlatformImages(sources: PlatformImageSources): Promise<PlatformImage[]> {
  const images: PlatformImage[] = [];
  const seen = new Set<string>();
  const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
  for (const p of sources.pause)
    if (once(`pause:${p.version}`))
      images.push(pauseImage({ binary: await readFile(p.path), version: p.version }));
  for (const c of sources.coredns)
    if (once(`coredns:${c.version}`))
      images.push(corednsImage({ binary: await readFile(c.path), version: c.version }));
  if (sources.busybox) {
    const { stdout } = await promisify(execFile)(sources.busybox.path, ['--list-full']);
    images.push(
      toolboxImage({
        busybox: await readFile(sources.busybox.path),
        busyboxVersion: sources.busybox.version,
        applets: stdout.split('\n'),
        berthVersion: sources.berthVersion,
      }),
    );
  }
  return images;
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
