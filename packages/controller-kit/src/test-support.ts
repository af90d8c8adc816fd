/**
 * Helpers shared by this package's tests (not exported from the package): promises a test
 * resolves by hand, a logger that records lines, and metric read-back from a registry.
 */
import { Registry } from 'prom-client';
import type { ControllerOptions, ReconcileEvent } from './controller-api.js';
import { Controller } from './controller.js';
import { FakeClock } from './fake-clock.js';
import type { LogFields, Logger } from './logger.js';
import { createReconcileMetrics } from './metrics.js';
import type { Reconciler } from './reconciler.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: LogFields;
  msg: string | undefined;
}

/** A logger that keeps every line, with child bindings merged in as pino would. */
export function recordingLogger(
  lines: LogLine[] = [],
  bindings: LogFields = {},
): Logger & { lines: LogLine[] } {
  const write = (level: LogLine['level']) => (fields: LogFields, msg?: string) => {
    lines.push({ level, fields: { ...bindings, ...fields }, msg });
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

/** The value of one series of a counter or gauge; for a histogram, its `_count`. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`metric ${name} is not registered`);
  const { type, values } = (await metric.get()) as {
    type: unknown;
    values: Array<{ value: number; labels: Record<string, unknown>; metricName?: string }>;
  };
  const series = String(type) === 'histogram' ? `${name}_count` : name;
  const match = values.find(
    (v) =>
      (v.metricName ?? name) === series &&
      Object.entries(labels).every(([k, want]) => v.labels[k] === want),
  );
  return match?.value;
}

/** A controller on a fake clock and a private registry, recording every pass event. */
export function harness(
  reconcile: Reconciler['reconcile'],
  options: Partial<ControllerOptions> = {},
): {
  clock: FakeClock;
  registry: Registry;
  controller: Controller;
  events: ReconcileEvent[];
  logger: ReturnType<typeof recordingLogger>;
} {
  const clock = new FakeClock();
  const registry = new Registry();
  const logger = recordingLogger();
  const controller = new Controller({
    name: 'test',
    reconciler: { reconcile },
    clock,
    logger,
    metrics: createReconcileMetrics(registry),
    backoff: { baseMs: 100, maxMs: 400, jitter: 0 },
    ...options,
  });
  const events: ReconcileEvent[] = [];
  controller.onReconcile((event) => events.push(event));
  return { clock, registry, controller, events, logger };
}

/** Passes that wait until the test releases them, tracking overlap per key and overall. */
export function gatedReconciler(): {
  reconcile: Reconciler['reconcile'];
  calls: string[];
  waiting: Map<string, Deferred<void>>;
  maxActive: () => number;
  overlaps: string[];
  release(key: string): void;
} {
  const calls: string[] = [];
  const waiting = new Map<string, Deferred<void>>();
  const active = new Set<string>();
  const overlaps: string[] = [];
  let maxActive = 0;
  return {
    calls,
    waiting,
    overlaps,
    maxActive: () => maxActive,
    async reconcile(key) {
      if (active.has(key)) overlaps.push(key);
      active.add(key);
      maxActive = Math.max(maxActive, active.size);
      calls.push(key);
      const gate = deferred();
      waiting.set(key, gate);
      try {
        await gate.promise;
      } finally {
        active.delete(key);
      }
    },
    release(key) {
      const gate = waiting.get(key);
      if (gate === undefined) throw new Error(`no pass of ${key} is waiting`);
      waiting.delete(key);
      gate.resolve();
    },
  };
}
