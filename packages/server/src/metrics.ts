/**
 * HTTP and inventory metrics on the registry from the deps (never prom-client's global one).
 * `berth_http_request_duration_seconds{route,method,status}` uses the route *pattern*, so
 * cardinality stays bounded; `berth_clusters{phase}` is read from the store at scrape time.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import { CLUSTER_PHASES } from '@berth/api-types';
import type { Store } from '@berth/store';

export interface HttpMetrics {
  observe(route: string, method: string, status: number, seconds: number): void;
}

const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export function createHttpMetrics(registry: Registry, store: Store): HttpMetrics {
  const duration = new Histogram({
    name: 'berth_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets,
    registers: [registry],
  });
  new Gauge({
    name: 'berth_clusters',
    help: 'Clusters by phase (all projects), read from the store at scrape time.',
    labelNames: ['phase'] as const,
    registers: [registry],
    async collect() {
      const counts = await store.clusters.countByPhase();
      for (const phase of CLUSTER_PHASES) this.set({ phase }, counts[phase] ?? 0);
    },
  });
  return {
    observe: (route, method, status, seconds) =>
      duration.observe({ route, method, status: String(status) }, seconds),
  };
}
