/**
 * Prometheus metrics of the reconcile engine, registered on the registry the caller passes in
 * (never prom-client's global one). Create one `ReconcileMetrics` per registry and share it
 * between controllers: the `controller` label tells them apart, and registering the same names
 * twice on one registry fails.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { reconcileOutcomes, type ReconcileOutcome } from './reconciler.js';

/** Seconds since the oldest in-flight pass started, or 0 when none runs. */
export type LongestRunningProbe = () => number;

export interface ReconcileMetrics {
  /** Declares a controller so its series exist (at zero) before its first pass. */
  registerController(controller: string, longestRunning: LongestRunningProbe): void;
  observePass(controller: string, outcome: ReconcileOutcome, seconds: number): void;
  setDepth(controller: string, depth: number): void;
  countRetry(controller: string): void;
}

/**
 * Buckets from 5 ms to 10 min: most passes read the store and return; some wait on a provider
 * call, bounded by the pass timeout.
 */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 600];

export function createReconcileMetrics(registry: Registry): ReconcileMetrics {
  const registers = [registry];
  const probes = new Map<string, LongestRunningProbe>();
  const total = new Counter({
    name: 'berth_reconcile_total',
    help: 'Reconcile passes by controller and outcome (success|requeue|error|terminal|timeout).',
    labelNames: ['controller', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'berth_reconcile_duration_seconds',
    help: 'Duration of reconcile passes, whatever their outcome.',
    labelNames: ['controller'] as const,
    buckets: durationBuckets,
    registers,
  });
  const depth = new Gauge({
    name: 'berth_workqueue_depth',
    help: 'Keys waiting in the work queue (not counting delayed requeues or keys in flight).',
    labelNames: ['controller'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'berth_workqueue_retries_total',
    help: 'Keys scheduled for a retry with backoff after an error or timeout.',
    labelNames: ['controller'] as const,
    registers,
  });
  new Gauge({
    name: 'berth_workqueue_longest_running_seconds',
    help: 'How long the oldest in-flight reconcile pass has been running.',
    labelNames: ['controller'] as const,
    registers,
    collect() {
      for (const [controller, probe] of probes) this.set({ controller }, probe());
    },
  });

  return {
    registerController(controller, longestRunning) {
      probes.set(controller, longestRunning);
      for (const outcome of reconcileOutcomes) total.inc({ controller, outcome }, 0);
      retries.inc({ controller }, 0);
      depth.set({ controller }, 0);
    },
    observePass(controller, outcome, seconds) {
      total.inc({ controller, outcome });
      duration.observe({ controller }, seconds);
    },
    setDepth(controller, value) {
      depth.set({ controller }, value);
    },
    countRetry(controller) {
      retries.inc({ controller });
    },
  };
}
