/**
 * A small LRU of serialized list pages. Keys include the collection's fingerprint
 * (`clusters.collectionVersion`), so an entry can never be served after the collection changed:
 * a write makes every old key unreachable and the LRU ages them out. Concurrent misses of one key
 * share a single build.
 */
export class PageCache {
  readonly #max: number;
  readonly #entries = new Map<string, Buffer>();
  readonly #building = new Map<string, Promise<Buffer>>();

  constructor(max = 256) {
    this.#max = max;
  }

  get(key: string): Buffer | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Buffer): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** The cached value, or the result of `build` (run once however many callers wait on it). */
  async getOrBuild(key: string, build: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.#building.get(key);
    if (pending) return pending;
    const promise = build().then((value) => {
      this.set(key, value);
      return value;
    });
    this.#building.set(key, promise);
    try {
      return await promise;
    } finally {
      this.#building.delete(key);
    }
  }
}
