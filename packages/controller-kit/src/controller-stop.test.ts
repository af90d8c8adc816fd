import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BerthError } from '@berth/errors';
import { settle } from './fake-clock.js';
import { gatedReconciler, harness } from './test-support.js';

test('stop waits for in-flight passes and takes no new keys meanwhile', async () => {
  const gated = gatedReconciler();
  const { controller } = harness(gated.reconcile, { concurrency: 2 });
  controller.enqueue('a');
  controller.start();
  await settle();
  let stopped = false;
  const stopping = controller.stop().then((report) => {
    stopped = true;
    return report;
  });
  assert.equal(controller.state, 'stopping');
  controller.enqueue('b');
  await settle();
  assert.deepEqual(gated.calls, ['a'], 'b is not started while stopping');
  assert.equal(stopped, false);
  gated.release('a');
  assert.deepEqual(await stopping, { aborted: [], abandoned: [] });
  assert.equal(controller.state, 'stopped');
  assert.equal(controller.depth, 1, 'b stays queued for the next start');
  controller.start();
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b']);
  gated.release('b');
  await controller.waitIdle();
});

test('at the deadline stop aborts passes; their keys are queued for the next start', async () => {
  let signal: AbortSignal | undefined;
  const { controller, clock, events } = harness(
    (_key, s) => {
      signal = s;
      return new Promise<void>((_resolve, reject) =>
        s.addEventListener('abort', () => reject(s.reason as Error)),
      );
    },
    { stopTimeoutMs: 500, timeoutMs: 0 },
  );
  controller.enqueue('a');
  controller.start();
  await settle();
  const stopping = controller.stop();
  await clock.advance(499);
  assert.equal(signal?.aborted, false);
  await clock.advance(1);
  assert.deepEqual(await stopping, { aborted: ['a'], abandoned: [] });
  assert.equal((signal?.reason as BerthError).code, 'BERTH_ERR_UNAVAILABLE');
  assert.equal(events[0]?.outcome, 'error');
  assert.equal(controller.depth, 1, 'the aborted key waits for the next start, not for a timer');
  assert.equal(clock.pendingTimers, 0, 'no timer outlives the stopped controller');
});

test('stop drops delayed requeues so no timer keeps the process alive', async () => {
  const { controller, clock } = harness(async () => ({ requeueAfterMs: 60_000 }));
  controller.enqueue('a');
  controller.enqueueAfter('b', 5_000);
  controller.start();
  await controller.waitIdle();
  assert.equal(clock.pendingTimers, 2);
  await controller.stop();
  assert.equal(clock.pendingTimers, 0);
});

test('a pass that ignores abort is abandoned; its key stays locked after a restart', async () => {
  const gated = gatedReconciler();
  const { controller, clock } = harness(gated.reconcile, {
    concurrency: 2,
    abortGraceMs: 200,
    timeoutMs: 0,
  });
  controller.enqueue('a');
  controller.start();
  await settle();
  const stopping = controller.stop({ timeoutMs: 0 });
  await clock.advance(200);
  assert.deepEqual(await stopping, { aborted: ['a'], abandoned: ['a'] });

  controller.start();
  controller.enqueue('a');
  controller.enqueue('b');
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b'], 'the old pass of a still runs; a is not restarted');
  gated.release('a');
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b', 'a'], 'a runs again once its old pass settled');
  assert.deepEqual(gated.overlaps, []);
  gated.release('a');
  gated.release('b');
  await controller.waitIdle();
});

test('stop is idempotent and start after stop resumes work', async () => {
  const calls: string[] = [];
  const { controller } = harness(async (key) => {
    calls.push(key);
  });
  assert.deepEqual(await controller.stop(), { aborted: [], abandoned: [] });
  controller.start();
  controller.start();
  await Promise.all([controller.stop(), controller.stop()]);
  controller.enqueue('x');
  await settle();
  assert.deepEqual(calls, []);
  controller.start();
  await controller.waitIdle();
  assert.deepEqual(calls, ['x']);
});
