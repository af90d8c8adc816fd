/**
 * The load balancer health manager (Octavia's, in miniature): a pass looks at every load
 * balancer's amphorae and restarts those whose agent is not running; a loop runs a pass every
 * interval until stopped. Amphorae are checked without the writer lock (reading pid files);
 * only a load balancer that needs repair takes it, so API calls wait only when there is work.
 */
import { errorMessage } from '../../agent/errors.js';
import { mutate, type ProviderContext } from '../context.js';
import type { AmphoraRuntime } from './amphorae.js';

export interface AmphoraRepair {
  loadBalancerId: string;
  /** The amphorae restarted (empty when the repair failed before restarting any). */
  amphoraIds: string[];
  /** Why the repair failed; the next pass tries again. */
  error?: string;
}

/** One pass over every load balancer; never throws for one load balancer's failure. */
export async function repairLoadBalancers(
  ctx: ProviderContext,
  amphorae: AmphoraRuntime,
  signal: AbortSignal,
): Promise<AmphoraRepair[]> {
  const repairs: AmphoraRepair[] = [];
  for (const entry of await ctx.repos.loadBalancers.all()) {
    if (entry.local.amphorae.every((a) => amphorae.isRunning(a))) continue;
    const loadBalancerId = entry.obj.id;
    try {
      const amphoraIds = await mutate(ctx, signal, () => amphorae.repair(loadBalancerId, signal));
      if (amphoraIds.length > 0) repairs.push({ loadBalancerId, amphoraIds });
    } catch (err) {
      signal.throwIfAborted();
      repairs.push({ loadBalancerId, amphoraIds: [], error: errorMessage(err) });
    }
  }
  return repairs;
}

export interface HealthManagerOptions {
  /** Pause between the end of one pass and the start of the next. Default 1000. */
  intervalMs?: number;
  /** Called for every load balancer a pass repaired or failed to repair. */
  onRepair?: (repair: AmphoraRepair) => void;
  /** Called when a whole pass failed (e.g. the inventory could not be read). */
  onError?: (err: unknown) => void;
}

/**
 * Runs `pass` every `intervalMs` until the returned function is called; that function aborts a
 * pass in progress and resolves once it has ended. The timer does not keep the process alive.
 */
export function runHealthManager(
  pass: (signal: AbortSignal) => Promise<AmphoraRepair[]>,
  options: HealthManagerOptions = {},
): () => Promise<void> {
  const intervalMs = options.intervalMs ?? 1000;
  const controller = new AbortController();
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (controller.signal.aborted) return;
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  const once = async () => {
    try {
      for (const repair of await pass(controller.signal)) options.onRepair?.(repair);
    } catch (err) {
      if (!controller.signal.aborted) options.onError?.(err);
    }
  };
  const tick = () => {
    current = once().finally(schedule);
  };
  schedule();
  return async () => {
    controller.abort();
    clearTimeout(timer);
    await current;
  };
}
