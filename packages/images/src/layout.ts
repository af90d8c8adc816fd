/**
 * The OCI image layout of an image (`oci-layout`, `index.json`, `blobs/sha256/…`), as a pure
 * function returning relative paths and their bytes; `ociArchive` tars it for
 * `ctr -n k8s.io images import`, which reads the full name from `io.containerd.image.name`.
 */
import { digestHex } from './digest.js';
import { descriptor, MEDIA_TYPES, type OciImage } from './image.js';
import { tarArchive } from './tar.js';

export interface LayoutFile {
  path: string;
  bytes: Buffer;
}

/** `name` is the image's full reference, e.g. `198.18.0.1:5000/berth/pause:v3.10.1`. */
export function ociLayout(image: OciImage, name: string): LayoutFile[] {
  const tag = name.slice(name.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [
      {
        ...descriptor(image.manifest),
        annotations: {
          'io.containerd.image.name': name,
          'org.opencontainers.image.ref.name': tag,
        },
      },
    ],
  };
  const blobs = [image.manifest, image.config, ...image.layers]
    .map((b) => ({ path: `blobs/sha256/${digestHex(b.digest)}`, bytes: b.bytes }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  return [
    { path: 'oci-layout', bytes: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) },
    { path: 'index.json', bytes: Buffer.from(JSON.stringify(index)) },
    ...blobs,
  ];
}

/** The layout as one reproducible tar (directories included). */
export function ociArchive(image: OciImage, name: string): Buffer {
  return tarArchive([
    { type: 'dir', path: 'blobs', mode: 0o755 },
    { type: 'dir', path: 'blobs/sha256', mode: 0o755 },
    ...ociLayout(image, name).map((f) => ({
      type: 'file' as const,
      path: f.path,
      mode: 0o644,
      content: f.bytes,
    })),
  ]);
}
