/**
 * Typed access to one kind of record in the inventory. A record pairs the API object (what the
 * provider returns, copied) with the provider's private bookkeeping for it (`local`), and a
 * sequence number that orders "oldest first".
 */
import { BerthError } from '@berth/errors';
import {
  isSameCreate,
  matchesTags,
  providerErrors,
  type CreateInput,
  type ProviderKind,
  type ProviderObject,
  type Tags,
} from '@berth/provider-api';
import type { LocalInventory } from '../inventory/inventory.js';

export interface Entry<T, L> {
  obj: T;
  local: L;
  seq: number;
}

export class Repo<T extends { id: string }, L = Record<string, never>> {
  private counter = 0;

  constructor(
    private readonly inventory: LocalInventory,
    readonly kind: ProviderKind | 'Port' | 'Amphora',
  ) {}

  async get(id: string): Promise<Entry<T, L> | undefined> {
    return (await this.inventory.get<Entry<T, L>>(this.kind, id))?.value;
  }

  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  async require(id: string): Promise<Entry<T, L>> {
    const entry = await this.get(id);
    if (entry === undefined) throw providerErrors.notFound(this.kind as ProviderKind, id);
    return entry;
  }

  /** All entries, oldest first. */
  async all(): Promise<Array<Entry<T, L>>> {
    const records = await this.inventory.list<Entry<T, L>>(this.kind);
    return records.map((r) => r.value).sort((a, b) => a.seq - b.seq);
  }

  async put(obj: T, local: L, seq?: number): Promise<Entry<T, L>> {
    const entry = { obj, local, seq: seq ?? this.nextSeq() };
    await this.inventory.put(this.kind, obj.id, entry);
    return entry;
  }

  /** Applies `change` to the stored entry and writes it back. @throws NOT_FOUND */
  async update(id: string, change: (entry: Entry<T, L>) => void): Promise<Entry<T, L>> {
    const entry = await this.require(id);
    change(entry);
    await this.inventory.put(this.kind, id, entry);
    return entry;
  }

  async delete(id: string): Promise<boolean> {
    return this.inventory.delete(this.kind, id);
  }

  /** Milliseconds since the epoch scaled up, so entries made within one ms keep their order. */
  private nextSeq(): number {
    this.counter = (this.counter + 1) % 1000;
    return Date.now() * 1000 + this.counter;
  }
}

type Tagged = ProviderObject;

/** The oldest entry a create with `input` should return instead of making a duplicate. */
export function findSame<T extends Tagged, L>(
  entries: Array<Entry<T, L>>,
  input: CreateInput,
): Entry<T, L> | undefined {
  return entries.find((e) => isSameCreate(e.obj, input));
}

export function withTags<T extends Tagged, L>(
  entries: Array<Entry<T, L>>,
  tags: Tags | undefined,
): Array<Entry<T, L>> {
  return entries.filter((e) => matchesTags(e.obj.tags, tags));
}

export function findByName<T extends Tagged, L>(
  entries: Array<Entry<T, L>>,
  name: string,
  tags: Tags | undefined,
): T | undefined {
  return entries.find((e) => e.obj.name === name && matchesTags(e.obj.tags, tags))?.obj;
}

export function copy<T>(value: T): T {
  return structuredClone(value);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof BerthError && err.code === 'BERTH_ERR_NOT_FOUND';
}
