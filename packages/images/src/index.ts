/**
 * @berth/images — OCI images from files, reproducibly, and the client that moves them.
 *
 * - `buildImage(spec)`: one uncompressed tar layer (fixed owners, mtimes), config and manifest
 *   with their digests — a pure function; `ociLayout` / `ociArchive` lay it out on disk or as a
 *   tar for `ctr images import`.
 * - `pauseImage`, `corednsImage`, `toolboxImage`: the platform images Berth publishes under
 *   `berth/`.
 * - `RegistryClient`: push (HEAD to skip existing blobs, monolithic upload) and pull over the OCI
 *   distribution API, with the registry token flow.
 */
export * from './digest.js';
export * from './tar.js';
export * from './image.js';
export * from './layout.js';
export * from './platform-images.js';
export * from './reference.js';
export * from './challenge.js';
export * from './distribution-client.js';
