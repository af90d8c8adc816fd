/**
 * LocalInventory in one JSON file in the provider's data dir. Every operation re-reads the
 * file and every write replaces it atomically (write a temporary file, fsync, rename), so a
 * crash leaves either the old or the new inventory, never a torn one. Operations are
 * serialised within an instance and, through a lock file, between instances and processes
 * (an old and a restarted `berth server`), so compare-and-set is exact.
 */
import fs from 'node:fs/promises';
import { BerthError } from '@berth/errors';
import { writeFileAtomic } from '../fs-atomic.js';
import { withFileLock } from './file-lock.js';
import { versionConflict, type InventoryRecord, type LocalInventory } from './inventory.js';

interface StoredRecord {
  version: number;
  value: unknown;
}

interface InventoryFile {
  format: 1;
  records: Record<string, Record<string, StoredRecord>>;
}

export class JsonFileInventory implements LocalInventory {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  get<T>(kind: string, id: string): Promise<InventoryRecord<T> | undefined> {
    return this.serialised(async () => {
      const stored = (await this.load()).records[kind]?.[id];
      return stored === undefined ? undefined : toRecord<T>(kind, id, stored);
    });
  }

  list<T>(kind: string): Promise<Array<InventoryRecord<T>>> {
    return this.serialised(async () => {
      const records = (await this.load()).records[kind] ?? {};
      return Object.keys(records)
        .sort()
        .map((id) => toRecord<T>(kind, id, records[id] as StoredRecord));
    });
  }

  put<T>(
    kind: string,
    id: string,
    value: T,
    expectedVersion?: number,
  ): Promise<InventoryRecord<T>> {
    return this.serialised(async () => {
      const data = await this.load();
      const current = data.records[kind]?.[id];
      checkVersion(kind, id, current, expectedVersion);
      const stored = { version: (current?.version ?? 0) + 1, value: structuredClone(value) };
      data.records[kind] = { ...data.records[kind], [id]: stored };
      await this.save(data);
      return toRecord<T>(kind, id, stored);
    });
  }

  delete(kind: string, id: string, expectedVersion?: number): Promise<boolean> {
    return this.serialised(async () => {
      const data = await this.load();
      const current = data.records[kind]?.[id];
      if (current === undefined) {
        if (expectedVersion !== undefined && expectedVersion !== 0) {
          throw versionConflict(kind, id, expectedVersion, 0);
        }
        return false;
      }
      checkVersion(kind, id, current, expectedVersion);
      const { [id]: _removed, ...rest } = data.records[kind] ?? {};
      if (Object.keys(rest).length === 0) delete data.records[kind];
      else data.records[kind] = rest;
      await this.save(data);
      return true;
    });
  }

  /** In-process queue first (cheap), then the file lock (other instances and processes). */
  private serialised<R>(op: () => Promise<R>): Promise<R> {
    const locked = () => withFileLock(`${this.file}.lock`, op);
    const result = this.queue.then(locked, locked);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async load(): Promise<InventoryFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { format: 1, records: {} };
      throw err;
    }
    const data = JSON.parse(text) as InventoryFile;
    if (data.format !== 1) {
      throw new BerthError('BERTH_ERR_INTERNAL', `${this.file}: unknown inventory format`);
    }
    return data;
  }

  private async save(data: InventoryFile): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n');
  }
}

function checkVersion(
  kind: string,
  id: string,
  current: StoredRecord | undefined,
  expected: number | undefined,
): void {
  if (expected === undefined) return;
  const actual = current?.version ?? 0;
  if (actual !== expected) throw versionConflict(kind, id, expected, actual);
}

function toRecord<T>(kind: string, id: string, stored: StoredRecord): InventoryRecord<T> {
  return { kind, id, version: stored.version, value: structuredClone(stored.value) as T };
}
