/**
 * @berth/images — OCI images from files, reproducibly, and the client that moves them.
 *
 * - `buildImage(spec)`: one uncompressed tar layer (fixed owners, mtimes), config and manifest
 *   with their digests — a pure function; `ociLayout` / `ociArchive` lay it out on disk or as a
 *   tar for `ctr images import`.
 * - `pauseImage`, `corednsImage`, `toolboxImage`, `fioImage`: the platform images Berth
 *   publishes under `berth/`; `sharedLibraryClosure` (over `elfDynamicInfo`) finds the loader
 *   and libraries a dynamically linked program needs; `parseFioIops` reads fio's JSON report.
 * - `RegistryClient`: push (HEAD to skip existing blobs, monolithic upload) and pull over the OCI
 *   distribution API, with the registry token flow.
 */
export * from './digest.js';
export * from './tar.js';
export * from './image.js';
export * from './layout.js';
export * from './platform-images.js';
export * from './elf.js';
export * from './shared-libraries.js';
export * from './fio.js';
export * from './reference.js';
export * from './challenge.js';
export * from './distribution-client.js';
