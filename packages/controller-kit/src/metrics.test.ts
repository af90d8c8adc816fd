import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { Controller } from './controller.js';
import { FakeClock } from './fake-clock.js';
import { createReconcileMetrics } from './metrics.js';
import { TerminalError } from './reconciler.js';
import { gatedReconciler, harness, metricValue } from './test-support.js';

test('every outcome is counted per controller and read back from the registry', async () => {
  const outcomes: Record<string, (signal: AbortSignal) => Promise<unknown>> = {
    ok: async () => undefined,
    poll: async () => ({ requeueAfterMs: 10_000 }),
    fail: async () => Promise.reject(new Error('x')),
    stop: async () => Promise.reject(new TerminalError('no')),
    slow: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', reject)),
  };
  const { controller, registry, clock } = harness(
    async (key, signal) => (await outcomes[key]?.(signal)) as undefined,
    { concurrency: 5, timeoutMs: 1_000 },
  );
  for (const key of Object.keys(outcomes)) controller.enqueue(key);
  controller.start();
  await clock.advance(0);
  const count = (outcome: string) =>
    metricValue(registry, 'berth_reconcile_total', { controller: 'test', outcome });
  assert.equal(await count('success'), 1);
  assert.equal(await count('requeue'), 1);
  assert.equal(await count('error'), 1);
  assert.equal(await count('terminal'), 1);
  assert.equal(await count('timeout'), 0, 'the slow pass is still running');
  assert.equal(await metricValue(registry, 'berth_workqueue_retries_total', {}), 1);
  assert.equal(await metricValue(registry, 'berth_reconcile_duration_seconds', {}), 4);
  await clock.advance(100); // `fail` retries after 100 ms and fails again
  assert.equal(await count('error'), 2);
  assert.equal(await metricValue(registry, 'berth_workqueue_retries_total', {}), 2);
  await clock.advance(900); // retries at 300 and 700 ms; `slow` hits its 1 s deadline
  assert.equal(await count('error'), 4);
  assert.equal(await count('timeout'), 1);
  assert.equal(await metricValue(registry, 'berth_workqueue_retries_total', {}), 5);
});

test('queue depth and longest-running pass are reported as gauges', async () => {
  const gated = gatedReconciler();
  const { controller, registry, clock } = harness(gated.reconcile);
  const depth = () => metricValue(registry, 'berth_workqueue_depth', { controller: 'test' });
  const longest = () =>
    metricValue(registry, 'berth_workqueue_longest_running_seconds', { controller: 'test' });
  assert.equal(await depth(), 0);
  for (const key of ['a', 'b', 'c']) controller.enqueue(key);
  assert.equal(await depth(), 3);
  assert.equal(await longest(), 0);
  controller.start();
  await clock.advance(2_500);
  assert.equal(await depth(), 2);
  assert.equal(await longest(), 2.5);
  gated.release('a');
  await clock.advance(500);
  assert.equal(await depth(), 1);
  assert.equal(await longest(), 0.5, 'b started when a finished');
  gated.release('b');
  await clock.advance(0);
  gated.release('c');
  await controller.waitIdle();
  assert.equal(await depth(), 0);
  assert.equal(await longest(), 0);
});

test('controllers sharing one registry are told apart by label', async () => {
  const registry = new Registry();
  const metrics = createReconcileMetrics(registry);
  const clock = new FakeClock();
  const make = (name: string) =>
    new Controller({ name, clock, metrics, reconciler: { reconcile: async () => undefined } });
  const clusters = make('cluster');
  const nodeGroups = make('nodegroup');
  for (const key of ['a', 'b']) clusters.enqueue(key);
  nodeGroups.enqueue('c');
  clusters.start();
  nodeGroups.start();
  await Promise.all([clusters.waitIdle(), nodeGroups.waitIdle()]);
  const success = (controller: string) =>
    metricValue(registry, 'berth_reconcile_total', { controller, outcome: 'success' });
  assert.equal(await success('cluster'), 2);
  assert.equal(await success('nodegroup'), 1);
  const text = await registry.metrics();
  assert.match(text, /berth_reconcile_total\{controller="nodegroup",outcome="terminal"\} 0/);
  assert.match(
    text,
    /berth_reconcile_duration_seconds_bucket\{le="0.005",controller="cluster"\} 2/,
  );
});
