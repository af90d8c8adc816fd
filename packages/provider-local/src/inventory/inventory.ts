/**
 * The local provider's own records (networks, subnets and their address allocations, servers,
 * hypervisor placements, …). Narrow on purpose: a Berth store can implement the same interface
 * later. Every write may be conditional on the version the caller read (compare-and-set), so
 * two writers never silently overwrite each other.
 */
import { BerthError } from '@berth/errors';

export interface InventoryRecord<T> {
  kind: string;
  id: string;
  /** Starts at 1 and grows by one per write. */
  version: number;
  value: T;
}

/** `expectedVersion`: omitted = unconditional; 0 = the record must not exist; n = must be at n. */
export interface LocalInventory {
  get<T>(kind: string, id: string): Promise<InventoryRecord<T> | undefined>;
  list<T>(kind: string): Promise<Array<InventoryRecord<T>>>;
  /** Throws BERTH_ERR_CONFLICT when `expectedVersion` does not match. */
  put<T>(kind: string, id: string, value: T, expectedVersion?: number): Promise<InventoryRecord<T>>;
  /** True when a record was deleted. Throws BERTH_ERR_CONFLICT on a version mismatch. */
  delete(kind: string, id: string, expectedVersion?: number): Promise<boolean>;
}

export function versionConflict(kind: string, id: string, expected: number, actual: number) {
  return new BerthError(
    'BERTH_ERR_CONFLICT',
    `${kind} ${id} is at version ${actual}, not ${expected}`,
    { details: { kind, id, expected, actual } },
  );
}

/** Bounded, because every retry re-reads; persistent conflicts mean a real fight to report. */
const MAX_UPDATE_ATTEMPTS = 10;

/**
 * Read-modify-write with compare-and-set, retried on conflict. `mutate` receives the current
 * value (undefined when absent) and returns the new one, or `undefined` to delete the record.
 */
export async function updateRecord<T>(
  inventory: LocalInventory,
  kind: string,
  id: string,
  mutate: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await inventory.get<T>(kind, id);
    const next = mutate(current === undefined ? undefined : structuredClone(current.value));
    try {
      if (next === undefined) {
        if (current !== undefined) await inventory.delete(kind, id, current.version);
      } else {
        await inventory.put(kind, id, next, current?.version ?? 0);
      }
      return next;
    } catch (err) {
      const conflict = err instanceof BerthError && err.code === 'BERTH_ERR_CONFLICT';
      if (!conflict || attempt >= MAX_UPDATE_ATTEMPTS) throw err;
    }
  }
}
