import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runHealthManager, type AmphoraRepair } from './health-manager.js';
import { until } from '@berth/test-kit';

test('the health manager runs passes until stopped, reports repairs and survives failures', async () => {
  let passes = 0;
  const repairs: AmphoraRepair[] = [];
  const errors: unknown[] = [];
  const stop = runHealthManager(
    async () => {
      passes += 1;
      if (passes === 2) throw new Error('inventory unreadable');
      return passes === 3 ? [{ loadBalancerId: 'lb1', amphoraIds: ['a1'] }] : [];
    },
    { intervalMs: 5, onRepair: (r) => repairs.push(r), onError: (e) => errors.push(e) },
  );
  await until('four passes', () => passes >= 4);
  await stop();
  const after = passes;
  await sleep(30);
  assert.equal(passes, after, 'no pass after stop');
  assert.deepEqual(repairs, [{ loadBalancerId: 'lb1', amphoraIds: ['a1'] }]);
  assert.equal(errors.length, 1);
});

test('stopping aborts the pass in progress and waits for it to end', async () => {
  let ended = false;
  const errors: unknown[] = [];
  let started = false;
  const stop = runHealthManager(
    async (signal) => {
      started = true;
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      await sleep(20);
      ended = true;
      signal.throwIfAborted();
      return [];
    },
    { intervalMs: 1, onError: (e) => errors.push(e) },
  );
  await until('a pass to start', () => started);
  await stop();
  assert.ok(ended, 'stop resolved only after the pass ended');
  assert.deepEqual(errors, [], 'an aborted pass is not an error');
});
