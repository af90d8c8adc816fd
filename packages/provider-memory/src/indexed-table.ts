/**
 * State tables that index themselves. Every find, list by tags, idempotent create and address
 * allocation used to scan whole tables, which made a world of a thousand clusters quadratic.
 * A table stays a plain record to every reader (and to JSON), but a Proxy keeps, on each insert
 * and delete, its ids by name, by `key=value` tag and by the network addresses its objects hold.
 * A record is indexed by what it held when inserted (or re-indexed with `reindex` after an
 * in-place change); `where` re-checks its field, so a field changed in place is never reported
 * under its old value.
 */
import type { ProviderObject, Tags } from '@berth/provider-api';

/** An address an object holds on a network. */
export interface Placed {
  networkId: string;
  ip: string;
}

/** What a record was indexed under, so dropping it never depends on its fields now. */
interface IndexedKeys {
  name: string;
  tags: string[];
  fields: string[];
  keys: string[];
  addresses: Placed[];
}

interface TableIndex {
  /** id → the keys it was indexed under. */
  entries: Map<string, IndexedKeys>;
  /** `lookup\0key` → ids, for the table's `lookups`. */
  byKey: Map<string, Set<string>>;
  byName: Map<string, Set<string>>;
  /** `field\0value` → ids, for the fields the table was asked to index. */
  byField: Map<string, Set<string>>;
  fields: readonly string[];
  byTag: Map<string, Set<string>>;
  /** networkId → ip → holder id; only for tables given `addressesOf`. */
  byNetwork: Map<string, Map<string, string>>;
}

const indexes = new WeakMap<object, TableIndex>();

function add(map: Map<string, Set<string>>, key: string, id: string): void {
  let ids = map.get(key);
  if (ids === undefined) map.set(key, (ids = new Set()));
  ids.add(id);
}

function remove(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  ids?.delete(id);
  if (ids?.size === 0) map.delete(key);
}

const tagKey = (key: string, value: string) => `${key}=${value}`;

export interface IndexOptions<T> {
  /** Addresses a record holds (servers' ports, load balancers' VIPs, floating IPs). */
  addressesOf?: (record: T) => Placed[];
  /** Fields `where` looks up by, e.g. a child's parent id. */
  fields?: readonly (keyof T & string)[];
  /** Named multi-valued keys `lookup` finds records by, e.g. a server by any of its port ids. */
  lookups?: Record<string, (record: T) => string[]>;
}

const fieldKey = (field: string, value: unknown) => `${field}\0${String(value)}`;

export function indexedTable<T extends ProviderObject>(
  records: Record<string, T>,
  options: IndexOptions<T> = {},
): Record<string, T> {
  const { addressesOf, fields = [], lookups = {} } = options;
  const index: TableIndex = {
    entries: new Map(),
    byName: new Map(),
    byField: new Map(),
    byKey: new Map(),
    fields,
    byTag: new Map(),
    byNetwork: new Map(),
  };
  const insert = (id: string, record: T) => {
    const keys: IndexedKeys = {
      name: record.name,
      tags: Object.entries(record.tags ?? {}).map(([k, v]) => tagKey(k, v)),
      fields: fields.map((f) => fieldKey(f, record[f])),
      keys: Object.entries(lookups).flatMap(([n, of]) => of(record).map((k) => fieldKey(n, k))),
      addresses: addressesOf?.(record) ?? [],
    };
    index.entries.set(id, keys);
    add(index.byName, keys.name, id);
    for (const k of keys.tags) add(index.byTag, k, id);
    for (const k of keys.fields) add(index.byField, k, id);
    for (const k of keys.keys) add(index.byKey, k, id);
    for (const p of keys.addresses) {
      let ips = index.byNetwork.get(p.networkId);
      if (ips === undefined) index.byNetwork.set(p.networkId, (ips = new Map()));
      ips.set(p.ip, id);
    }
  };
  const drop = (id: string) => {
    const keys = index.entries.get(id);
    if (keys === undefined) return;
    index.entries.delete(id);
    remove(index.byName, keys.name, id);
    for (const k of keys.tags) remove(index.byTag, k, id);
    for (const k of keys.fields) remove(index.byField, k, id);
    for (const k of keys.keys) remove(index.byKey, k, id);
    for (const p of keys.addresses) {
      const ips = index.byNetwork.get(p.networkId);
      if (ips?.get(p.ip) === id) ips.delete(p.ip);
    }
  };
  const target: Record<string, T> = {};
  for (const [id, record] of Object.entries(records)) {
    target[id] = record;
    insert(id, record);
  }
  const table = new Proxy(target, {
    set(t, key, value: T) {
      if (typeof key !== 'string') return Reflect.set(t, key, value);
      drop(key);
      t[key] = value;
      insert(key, value);
      return true;
    },
    deleteProperty(t, key) {
      if (typeof key === 'string') drop(key);
      return Reflect.deleteProperty(t, key);
    },
  });
  indexes.set(table, index);
  reindexers.set(table, (id) => {
    drop(id);
    const record = target[id];
    if (record !== undefined) insert(id, record);
  });
  return table;
}

const reindexers = new WeakMap<object, (id: string) => void>();

/**
 * Re-indexes record `id` after a change made in place to something it is indexed by (a
 * router's legs). Tables index what records held when inserted; call this after such a change.
 */
export function reindex(table: object, id: string): void {
  reindexers.get(table)?.(id);
}

/** Records that `lookup` maps to `key` (e.g. the server holding port `key`). */
export function lookup<T>(table: Record<string, T>, name: string, key: string): T[] {
  const index = indexes.get(table);
  if (index === undefined) throw new Error('lookup: the table is not an indexedTable');
  return pick(table, index.byKey.get(fieldKey(name, key)));
}

/** The records of `ids` in the table's own order (ids grow with creation), as a scan gives them. */
function pick<T>(table: Record<string, T>, ids: Iterable<string> | undefined): T[] {
  const out: T[] = [];
  for (const id of [...(ids ?? [])].sort()) {
    const record = table[id];
    if (record !== undefined) out.push(record);
  }
  return out;
}

/** Records that may carry every tag of `tags` (all records when there is no tag to narrow by). */
export function candidatesByTags<T>(table: Record<string, T>, tags: Tags | undefined): T[] {
  const index = indexes.get(table);
  const entries = Object.entries(tags ?? {});
  if (index === undefined || entries.length === 0) return Object.values(table);
  let smallest: Set<string> | undefined;
  for (const [k, v] of entries) {
    const ids = index.byTag.get(tagKey(k, v));
    if (ids === undefined) return [];
    if (smallest === undefined || ids.size < smallest.size) smallest = ids;
  }
  return pick(table, smallest);
}

/** Records named `name`. */
export function candidatesByName<T>(table: Record<string, T>, name: string): T[] {
  const index = indexes.get(table);
  return index === undefined ? Object.values(table) : pick(table, index.byName.get(name));
}

/** Addresses that records of `table` hold on `networkId`. Throws for a table never indexed. */
export function addressesOn(table: object, networkId: string): string[] {
  const index = indexes.get(table);
  if (index === undefined) throw new Error('addressesOn: the table is not an indexedTable');
  return [...(index.byNetwork.get(networkId)?.keys() ?? [])];
}

/** Id of the record of `table` holding `ip` on `networkId`, if any. */
export function holderOf(table: object, networkId: string, ip: string): string | undefined {
  return indexes.get(table)?.byNetwork.get(networkId)?.get(ip);
}

/** Records whose `field` equals `value`, through the table's index when it has one. */
export function where<T, K extends keyof T & string>(
  table: Record<string, T>,
  field: K,
  value: T[K],
): T[] {
  const index = indexes.get(table);
  const candidates =
    index !== undefined && index.fields.includes(field)
      ? pick(table, index.byField.get(fieldKey(field, value)))
      : Object.values(table);
  return candidates.filter((r) => r[field] === value);
}

/** How many records have `field` equal to `value` (an indexed field: no record is read). */
export function countWhere<T, K extends keyof T & string>(
  table: Record<string, T>,
  field: K,
  value: T[K],
): number {
  const index = indexes.get(table);
  if (index === undefined || !index.fields.includes(field))
    return where(table, field, value).length;
  return index.byField.get(fieldKey(field, value))?.size ?? 0;
}
