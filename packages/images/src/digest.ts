/** Content digests as OCI writes them: `sha256:<64 hex>`. */
import { createHash } from 'node:crypto';

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part of a digest, as blob paths (`blobs/sha256/<hex>`) use it. */
export function digestHex(digest: string): string {
  return digest.slice('sha256:'.length);
}
