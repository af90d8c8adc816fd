/**
 * What every memory service shares: the state, the catalog, the call gate, id and time sources,
 * quotas, and persistence after each call that changed something.
 */
import {
  isSameCreate,
  matchesTags,
  providerErrors,
  validateNameAndTags,
  type CreateInput,
  type FindInput,
  type ProviderKind,
  type ProviderMethod,
  type ProviderObject,
  type Tags,
} from '@berth/provider-api';
import type { CallGate } from './call-gate.js';
import { candidatesByName, candidatesByTags } from './indexed-table.js';
import type { MemoryCatalog } from './catalog-config.js';
import { saveState, type MemoryState } from './state.js';

/** Limits on what can exist at once; absent means unlimited. */
export interface MemoryQuotas {
  networks?: number;
  routers?: number;
  servers?: number;
  vcpus?: number;
  ramMiB?: number;
  securityGroups?: number;
  loadBalancers?: number;
  volumes?: number;
  volumeGb?: number;
  floatingIps?: number;
}

export interface MemoryContextDeps {
  state: MemoryState;
  catalog: MemoryCatalog;
  gate: CallGate;
  quotas: MemoryQuotas;
  settleReads: number;
  now: () => Date;
  stateFile: string | undefined;
}

export class MemoryContext {
  readonly state: MemoryState;
  readonly catalog: MemoryCatalog;
  readonly quotas: MemoryQuotas;
  readonly settleReads: number;
  private readonly gate: CallGate;
  private readonly now: () => Date;
  private readonly stateFile: string | undefined;
  private dirty = false;

  constructor(deps: MemoryContextDeps) {
    ({ state: this.state, catalog: this.catalog, gate: this.gate, quotas: this.quotas } = deps);
    ({ settleReads: this.settleReads, now: this.now, stateFile: this.stateFile } = deps);
  }

  /**
   * Runs one provider call through the gate. Calls that may change state (every method but
   * get/list/find) persist afterwards, as do reads that advanced a settling status.
   */
  run<T>(method: ProviderMethod, input: unknown, signal: AbortSignal, body: () => T): Promise<T> {
    return this.gate.run(method, input, signal, () => {
      try {
        return body();
      } finally {
        if (!isRead(method) || this.dirty) this.persist();
      }
    });
  }

  /** Records that a read changed state (a settling countdown), so it gets persisted. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Saves now; for test hooks that change state outside a provider call. */
  persist(): void {
    this.dirty = false;
    if (this.stateFile !== undefined) saveState(this.stateFile, this.state);
  }

  newId(prefix: string): string {
    this.state.lastId += 1;
    return `${prefix}-${String(this.state.lastId).padStart(6, '0')}`;
  }

  timestamp(): string {
    return this.now().toISOString();
  }

  /** @throws BerthError `BERTH_ERR_PROVIDER_QUOTA` when `current + adding` exceeds the quota. */
  checkQuota(resource: keyof MemoryQuotas, current: number, adding: number): void {
    const limit = this.quotas[resource];
    if (limit !== undefined && current + adding > limit) {
      throw providerErrors.quota(resource, `quota for ${resource} (${limit}) reached`);
    }
  }
}

function isRead(method: ProviderMethod): boolean {
  const action = method.slice(method.indexOf('.') + 1);
  return /^(get|list|find)/.test(action);
}

/** @throws BerthError `BERTH_ERR_NOT_FOUND` */
export function mustGet<T>(table: Record<string, T>, kind: ProviderKind, id: string): T {
  const found = Object.hasOwn(table, id) ? table[id] : undefined;
  if (found === undefined) throw providerErrors.notFound(kind, id);
  return found;
}

/** The object a repeated create should return, validating the idempotency key first. */
export function existingFor<T extends ProviderObject>(
  table: Record<string, T>,
  input: CreateInput,
  sameParent: (object: T) => boolean = () => true,
): T | undefined {
  validateNameAndTags(input.name, input.tags);
  return candidatesByName(table, input.name).find((o) => sameParent(o) && isSameCreate(o, input));
}

export function tagged<T extends ProviderObject>(
  table: Record<string, T>,
  tags: Tags | undefined,
): T[] {
  return candidatesByTags(table, tags).filter((o) => matchesTags(o.tags, tags));
}

export function findByName<T extends ProviderObject>(
  table: Record<string, T>,
  input: FindInput,
): T | undefined {
  return candidatesByName(table, input.name).find((o) => matchesTags(o.tags, input.tags));
}

/** The common fields of a new object. */
export function newObject(ctx: MemoryContext, prefix: string, input: CreateInput): ProviderObject {
  return {
    id: ctx.newId(prefix),
    name: input.name,
    tags: { ...input.tags },
    createdAt: ctx.timestamp(),
  };
}

/** Returns a copy the caller cannot use to change provider state. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
