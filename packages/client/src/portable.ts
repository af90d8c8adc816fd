/**
 * The two platform services the client needs, written against web-standard globals only, so the
 * same client runs in Node and in a browser (the console bundles it): no `node:` imports.
 */

/**
 * A random RFC 9562 version-4 UUID. `crypto.getRandomValues` rather than `crypto.randomUUID`,
 * because browsers offer the latter only in secure contexts and the console may be served over
 * plain HTTP on a private address.
 */
export function randomUuid(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Resolves after `ms`; rejects with an `AbortError` if the signal aborts first (whatever reason
 * it was aborted with, as `node:timers/promises` does, so callers test `isAbortError`).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  return new DOMException('The operation was aborted', 'AbortError');
}
