/**
 * Per-project fingerprints of the cluster collection, kept in memory so that serving a cached
 * list page costs no query. They move on every cluster write (node group spec writes touch their
 * cluster too): at once for writes made by this process (the store's `onChange`, which fires
 * before the write's response is sent, so a client always reads its own writes), and within
 * `pollMs` for writes made by other replicas (the store's change feed, polled).
 */
import type { Change, Store } from '@berth/store';

export class CollectionVersions {
  readonly #store: Store;
  readonly #pollMs: number;
  readonly #byProject = new Map<string, number>();
  #base = 0;
  #cursor = 0;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(store: Store, pollMs = 250) {
    this.#store = store;
    this.#pollMs = pollMs;
  }

  async start(): Promise<void> {
    this.#base = await this.#store.changes.latestCursor();
    this.#cursor = this.#base;
    this.#unsubscribe = this.#store.changes.onChange((change) => this.#apply(change));
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
  }

  /** Opaque; differs whenever a cluster of `project` was written since it was last returned. */
  versionOf(project: string): string {
    return String(this.#byProject.get(project) ?? this.#base);
  }

  #apply(change: Change): void {
    if (change.kind !== 'Cluster') return;
    const known = this.#byProject.get(change.project) ?? 0;
    if (change.id > known) this.#byProject.set(change.project, change.id);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#poll(), this.#pollMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.#store.changes.listSince(this.#cursor, 1000);
        batch.changes.forEach((change) => this.#apply(change));
        this.#cursor = batch.cursor;
        if (batch.changes.length < 1000) break;
      }
    } catch {
      // The store is briefly unavailable; the next poll catches up from the same cursor.
    }
    this.#schedule();
  }
}
