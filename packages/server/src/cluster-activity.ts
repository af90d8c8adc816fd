/**
 * Per-cluster activity this process observed, in `stepMs` buckets over the last `windowMs`:
 * reconcile passes (fed by the controllers' `onReconcile`) and API requests on the cluster's
 * paths (fed by the app's `onResponse` hook). Served by `GET …/clusters/{c}/metrics`.
 *
 * Memory is bounded: buckets older than the window are dropped on every write, and at most
 * `maxClusters` clusters are tracked (the least recently active is forgotten first).
 */
import type { ClusterMetricsSample } from '@berth/api-types';

export type PassOutcome = 'success' | 'requeue' | 'error' | 'terminal' | 'timeout';

interface Bucket {
  start: number;
  reconciles: number;
  reconcileErrors: number;
  reconcileSeconds: number;
  requests: number;
  requestSeconds: number;
  requestMaxSeconds: number;
}

export interface ClusterActivityOptions {
  now?: () => number;
  stepMs?: number;
  windowMs?: number;
  maxClusters?: number;
}

export class ClusterActivity {
  readonly stepMs: number;
  readonly since: number;
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #maxClusters: number;
  /** `project/cluster` → buckets, oldest first; Map order = least recently active first. */
  readonly #clusters = new Map<string, Bucket[]>();

  constructor(options: ClusterActivityOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.stepMs = options.stepMs ?? 10_000;
    this.#windowMs = options.windowMs ?? 3_600_000;
    this.#maxClusters = options.maxClusters ?? 10_000;
    this.since = this.#now();
  }

  recordRequest(project: string, cluster: string, seconds: number): void {
    const b = this.#bucket(project, cluster);
    b.requests++;
    b.requestSeconds += seconds;
    b.requestMaxSeconds = Math.max(b.requestMaxSeconds, seconds);
  }

  recordReconcile(project: string, cluster: string, outcome: PassOutcome, seconds: number): void {
    const b = this.#bucket(project, cluster);
    b.reconciles++;
    if (outcome === 'error' || outcome === 'timeout' || outcome === 'terminal') b.reconcileErrors++;
    b.reconcileSeconds += seconds;
  }

  /** The cluster's buckets within the window, oldest first. */
  samples(project: string, cluster: string): ClusterMetricsSample[] {
    const horizon = this.#now() - this.#windowMs;
    return (this.#clusters.get(`${project}/${cluster}`) ?? [])
      .filter((b) => b.start >= horizon)
      .map(({ start, ...figures }) => ({
        time: new Date(start).toISOString(),
        ...figures,
        reconcileSeconds: round(figures.reconcileSeconds),
        requestSeconds: round(figures.requestSeconds),
        requestMaxSeconds: round(figures.requestMaxSeconds),
      }));
  }

  #bucket(project: string, cluster: string): Bucket {
    const key = `${project}/${cluster}`;
    const now = this.#now();
    const start = now - (now % this.stepMs);
    const buckets = this.#clusters.get(key) ?? [];
    this.#clusters.delete(key);
    this.#clusters.set(key, buckets);
    while (buckets.length > 0 && buckets[0]!.start < now - this.#windowMs) buckets.shift();
    let last = buckets.at(-1);
    if (last?.start !== start) {
      last = {
        start,
        reconciles: 0,
        reconcileErrors: 0,
        reconcileSeconds: 0,
        requests: 0,
        requestSeconds: 0,
        requestMaxSeconds: 0,
      };
      buckets.push(last);
    }
    if (this.#clusters.size > this.#maxClusters) {
      const oldest = this.#clusters.keys().next().value;
      if (oldest !== undefined) this.#clusters.delete(oldest);
    }
    return last;
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
