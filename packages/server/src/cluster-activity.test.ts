import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterActivity } from './cluster-activity.js';

test('activity is bucketed per step, kept for the window, and per cluster', () => {
  let now = 1_000_000;
  const a = new ClusterActivity({ now: () => now, stepMs: 10_000, windowMs: 60_000 });
  a.recordRequest('p', 'c', 0.02);
  a.recordRequest('p', 'c', 0.04);
  a.recordReconcile('p', 'c', 'success', 0.5);
  a.recordReconcile('p', 'c', 'timeout', 2);
  now += 10_000;
  a.recordReconcile('p', 'c', 'requeue', 0.25);
  a.recordRequest('p', 'other', 1);
  const samples = a.samples('p', 'c');
  assert.deepEqual(
    samples.map((s) => [s.time, s.requests, s.requestSeconds, s.requestMaxSeconds]),
    [
      [new Date(1_000_000).toISOString(), 2, 0.06, 0.04],
      [new Date(1_010_000).toISOString(), 0, 0, 0],
    ],
  );
  assert.deepEqual(
    samples.map((s) => [s.reconciles, s.reconcileErrors, s.reconcileSeconds]),
    [
      [2, 1, 2.5],
      [1, 0, 0.25],
    ],
  );
  now += 60_000;
  assert.deepEqual(a.samples('p', 'c').length, 1, 'the first bucket left the window');
  assert.deepEqual(a.samples('q', 'c'), []);
});

test('at most maxClusters are tracked; the least recently active goes first', () => {
  const a = new ClusterActivity({ maxClusters: 2 });
  a.recordRequest('p', 'a', 0.1);
  a.recordRequest('p', 'b', 0.1);
  a.recordRequest('p', 'a', 0.1);
  a.recordRequest('p', 'c', 0.1);
  assert.equal(a.samples('p', 'b').length, 0);
  assert.equal(a.samples('p', 'a')[0]?.requests, 2);
  assert.equal(a.samples('p', 'c')[0]?.requests, 1);
});
