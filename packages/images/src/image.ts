/**
 * An OCI image from a set of files, as a pure function: one uncompressed tar layer, the image
 * config and the manifest, each with its digest. The same spec always gives the same digests
 * (see tar.ts: fixed owners and mtimes; no `created` time in the config), so a platform image is
 * pushed once and re-publishing it is a no-op.
 *
 * Layers are uncompressed (`application/vnd.oci.image.layer.v1.tar`): gzip output depends on the
 * zlib build, which would tie digests to the Node version, and the registry sits next to the
 * nodes that pull from it. containerd, Docker and crane all accept uncompressed layers.
 */
import { errors } from '@berth/errors';
import { sha256Digest } from './digest.js';
import { tarArchive, type TarEntry } from './tar.js';

export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export interface ImageFile {
  /** Absolute path inside the image, e.g. `/pause`. */
  path: string;
  content: Uint8Array;
  /** Default 0o755 (the files Berth packs are programs). */
  mode?: number;
}

export interface ImageSymlink {
  path: string;
  target: string;
}

export interface ImageDir {
  path: string;
  /** Default 0o755. */
  mode?: number;
}

export interface ImageSpec {
  files?: readonly ImageFile[];
  symlinks?: readonly ImageSymlink[];
  /** Directories beyond the parents of files, which are added with 0o755. */
  dirs?: readonly ImageDir[];
  entrypoint?: readonly string[];
  cmd?: readonly string[];
  /** `NAME=value` pairs, kept in the order given. */
  env?: readonly string[];
  labels?: Readonly<Record<string, string>>;
  workingDir?: string;
  user?: string;
  /** Default `amd64`. */
  architecture?: string;
  /** Default `linux`. */
  os?: string;
}

/** Content-addressed bytes and how a manifest points at them. */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

export interface OciImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
}

/** @throws BERTH_ERR_VALIDATION for relative, climbing or duplicate paths */
export function buildImage(spec: ImageSpec): OciImage {
  const layer = blob(MEDIA_TYPES.layer, tarArchive(layerEntries(spec)));
  const config = blob(MEDIA_TYPES.config, Buffer.from(JSON.stringify(imageConfig(spec, layer))));
  const manifest = blob(
    MEDIA_TYPES.manifest,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.manifest,
        config: descriptor(config),
        layers: [descriptor(layer)],
      }),
    ),
  );
  return { manifest, config, layers: [layer] };
}

/** `{mediaType, digest, size}` of a blob, as manifests and indexes reference it. */
export function descriptor(b: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size };
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length, bytes };
}

function imageConfig(spec: ImageSpec, layer: Blob): unknown {
  const config: Record<string, unknown> = {};
  if (spec.user !== undefined) config.User = spec.user;
  if (spec.env !== undefined) config.Env = [...spec.env];
  if (spec.entrypoint !== undefined) config.Entrypoint = [...spec.entrypoint];
  if (spec.cmd !== undefined) config.Cmd = [...spec.cmd];
  if (spec.workingDir !== undefined) config.WorkingDir = spec.workingDir;
  if (spec.labels !== undefined) config.Labels = sortedRecord(spec.labels);
  return {
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    config,
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    history: [{ created_by: 'berth images: one layer from files' }],
  };
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every path once, parents before children, in byte order of their segments. */
function layerEntries(spec: ImageSpec): TarEntry[] {
  const entries = new Map<string, TarEntry>();
  const add = (entry: TarEntry) => {
    if (entries.has(entry.path))
      throw errors.invalid('path', `${entry.path} is in the image twice`);
    entries.set(entry.path, entry);
  };
  const parents = new Set<string>();
  const note = (absolute: string) => {
    const rel = relative(absolute);
    const segments = rel.split('/');
    for (let i = 1; i < segments.length; i++) parents.add(segments.slice(0, i).join('/'));
    return rel;
  };
  for (const f of spec.files ?? [])
    add({ type: 'file', path: note(f.path), mode: f.mode ?? 0o755, content: f.content });
  for (const l of spec.symlinks ?? [])
    add({ type: 'symlink', path: note(l.path), target: l.target });
  for (const d of spec.dirs ?? []) add({ type: 'dir', path: note(d.path), mode: d.mode ?? 0o755 });
  for (const p of parents) if (!entries.has(p)) add({ type: 'dir', path: p, mode: 0o755 });
  for (const [p, e] of entries)
    if (parents.has(p) && e.type !== 'dir')
      throw errors.invalid('path', `${p} is a file and a directory`);
  return [...entries.values()].sort((a, b) => compareSegments(a.path, b.path));
}

function relative(absolute: string): string {
  if (!absolute.startsWith('/') || absolute === '/' || absolute.endsWith('/'))
    throw errors.invalid('path', `image paths are absolute file paths: "${absolute}"`);
  const rel = absolute.slice(1);
  if (rel.split('/').some((s) => s === '' || s === '.' || s === '..'))
    throw errors.invalid('path', `image paths never climb or repeat slashes: "${absolute}"`);
  return rel;
}

function compareSegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!));
  }
  return x.length - y.length;
}
