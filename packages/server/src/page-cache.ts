/**
 * A small LRU of serialized list pages. Keys include the collection's fingerprint
 * (`clusters.collectionVersion`), so an entry can never be served after the collection changed:
 * a write makes every old key unreachable and the LRU ages them out.
 */
export class PageCache {
  readonly #max: number;
  readonly #entries = new Map<string, Buffer>();

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
}
