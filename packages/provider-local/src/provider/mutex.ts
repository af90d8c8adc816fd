/**
 * One writer at a time inside a provider instance. Provider operations read several records and
 * write several (a server create touches IPAM, its group and itself), so they run one after
 * another; reads do not take the lock.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
