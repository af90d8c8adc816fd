/**
 * get, find and list of one kind of object, the same for every kind: through the call gate
 * under the service's method names, from the kind's table, each object returned as the
 * service's view of it (a copy the caller cannot use to change provider state).
 */
import type {
  FindInput,
  IdInput,
  ListInput,
  ProviderKind,
  ProviderMethod,
  ProviderObject,
} from '@berth/provider-api';
import { findByName, mustGet, tagged, type MemoryContext } from './context.js';
import type { MemoryState } from './state.js';

/** Services whose objects are read by id, by name and tags, and by tags. */
export type ReadableService =
  | 'networks'
  | 'routers'
  | 'servers'
  | 'serverGroups'
  | 'securityGroups'
  | 'loadBalancers'
  | 'volumes'
  | 'floatingIps';

/** The gate's names for the reads; `find` only where the service has one. */
export interface ReadMethods {
  get: ProviderMethod;
  find?: ProviderMethod;
  list: ProviderMethod;
}

/** `<service>.get`, `<service>.find`, `<service>.list`. */
export function serviceReads(service: ReadableService): Required<ReadMethods> {
  return { get: `${service}.get`, find: `${service}.find`, list: `${service}.list` };
}

export interface ObjectReadsSpec<R extends ProviderObject, V> {
  methods: ReadMethods;
  kind: ProviderKind;
  table: (state: MemoryState) => Record<string, R>;
  view: (record: R) => V;
}

export class ObjectReads<R extends ProviderObject, V> {
  constructor(
    private readonly ctx: MemoryContext,
    private readonly spec: ObjectReadsSpec<R, V>,
  ) {}

  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<V> {
    const { methods, kind, table, view } = this.spec;
    return this.ctx.run(methods.get, input, signal, () =>
      view(mustGet(table(this.ctx.state), kind, input.id)),
    );
  }

  find(input: FindInput, signal: AbortSignal): Promise<V | undefined> {
    const { methods, table, view } = this.spec;
    if (methods.find === undefined) throw new Error(`${methods.get}: this kind has no find`);
    return this.ctx.run(methods.find, input, signal, () => {
      const found = findByName(table(this.ctx.state), input);
      return found && view(found);
    });
  }

  /** Objects carrying `input.tags`, narrowed by `keep` (the list input's other filters). */
  list(input: ListInput, signal: AbortSignal, keep: (record: R) => boolean = () => true) {
    const { methods, table, view } = this.spec;
    return this.ctx.run(methods.list, input, signal, () =>
      tagged(table(this.ctx.state), input.tags)
        .filter(keep)
        .map((r) => view(r)),
    );
  }
}
