import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './fake-clock.js';
import { gatedReconciler, harness } from './test-support.js';

test('keys enqueued several times before a pass run once each', async () => {
  const calls: string[] = [];
  const { controller, events } = harness(async (key) => {
    calls.push(key);
  });
  for (const key of ['a', 'b', 'a', 'a', 'b', 'c']) controller.enqueue(key);
  assert.equal(controller.depth, 3);
  controller.start();
  await controller.waitIdle();
  assert.deepEqual(calls, ['a', 'b', 'c']);
  assert.deepEqual(
    events.map((e) => [e.key, e.outcome, e.failures]),
    [
      ['a', 'success', 0],
      ['b', 'success', 0],
      ['c', 'success', 0],
    ],
  );
});

test('concurrency is bounded and one key never runs twice at once', async () => {
  const gated = gatedReconciler();
  const { controller } = harness(gated.reconcile, { concurrency: 3 });
  controller.start();
  for (const key of ['a', 'b', 'c', 'd', 'e']) controller.enqueue(key);
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b', 'c'], 'only three passes start');
  assert.equal(controller.inFlight, 3);

  // `a` changes three times while its pass runs: one more pass, after this one.
  controller.enqueue('a');
  controller.enqueue('a');
  controller.enqueue('a');
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b', 'c']);

  gated.release('a');
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b', 'c', 'd'], 'the freed worker takes the oldest key');
  gated.release('b');
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b', 'c', 'd', 'e']);
  gated.release('c');
  await settle();
  assert.deepEqual(gated.calls, ['a', 'b', 'c', 'd', 'e', 'a'], 'a runs again, once');
  for (const key of ['d', 'e', 'a']) gated.release(key);
  await controller.waitIdle();
  assert.equal(gated.calls.length, 6);
  assert.equal(gated.maxActive(), 3);
  assert.deepEqual(gated.overlaps, []);
});

test('many concurrent enqueues of few keys never overlap a key', async () => {
  const active = new Set<string>();
  const overlaps: string[] = [];
  let passes = 0;
  const { controller } = harness(
    async (key) => {
      if (active.has(key)) overlaps.push(key);
      active.add(key);
      passes++;
      await new Promise((resolve) => setImmediate(resolve));
      active.delete(key);
    },
    { concurrency: 8 },
  );
  controller.start();
  for (let round = 0; round < 50; round++) {
    for (const key of ['x', 'y', 'z']) controller.enqueue(key);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await controller.waitIdle();
  assert.deepEqual(overlaps, []);
  assert.ok(passes >= 3 && passes <= 150, `passes=${passes}`);
});

test('requeueAfterMs runs the key again after exactly that delay, without backoff', async () => {
  let calls = 0;
  const { controller, events, clock } = harness(async () => {
    calls++;
    return calls < 3 ? { requeueAfterMs: 1_000 } : undefined;
  });
  controller.enqueue('poll');
  controller.start();
  await controller.waitIdle();
  assert.equal(calls, 1);
  assert.equal(events[0]?.outcome, 'requeue');
  assert.equal(events[0]?.nextRunInMs, 1_000);
  await clock.advance(999);
  assert.equal(calls, 1);
  await clock.advance(1);
  assert.equal(calls, 2);
  await clock.advance(1_000);
  assert.equal(calls, 3);
  assert.deepEqual(
    events.map((e) => [e.outcome, e.failures]),
    [
      ['requeue', 0],
      ['requeue', 0],
      ['success', 0],
    ],
  );
  await clock.advance(60_000);
  assert.equal(calls, 3, 'success ends the polling');
  assert.equal(clock.pendingTimers, 0);
});

test('an enqueue during the delay runs the key now and replaces the pending requeue', async () => {
  let calls = 0;
  const { controller, clock } = harness(async () => {
    calls++;
    return { requeueAfterMs: 1_000 };
  });
  controller.start();
  controller.enqueue('k');
  await controller.waitIdle();
  await clock.advance(400);
  controller.enqueue('k');
  await controller.waitIdle();
  assert.equal(calls, 2);
  await clock.advance(600);
  assert.equal(calls, 2, 'the first requeue was dropped');
  await clock.advance(400);
  assert.equal(calls, 3, 'the second pass asked for its own delay');
});

test('enqueueAfter delays the first pass by the given time', async () => {
  const calls: string[] = [];
  const { controller, clock } = harness(async (key) => {
    calls.push(key);
  });
  controller.start();
  controller.enqueueAfter('later', 500);
  await clock.advance(499);
  assert.deepEqual(calls, []);
  await clock.advance(1);
  assert.deepEqual(calls, ['later']);
});

test('logs carry controller, key and reconcileId; listeners that throw are contained', async () => {
  const { controller, logger, events } = harness(async () => {
    throw new Error('provider down');
  });
  controller.onReconcile(() => {
    throw new Error('listener bug');
  });
  controller.enqueue('cluster-1');
  controller.start();
  await controller.waitIdle();
  const failure = logger.lines.find((l) => l.msg === 'reconcile failed; retrying with backoff');
  assert.ok(failure);
  assert.equal(failure.level, 'warn');
  assert.equal(failure.fields.controller, 'test');
  assert.equal(failure.fields.key, 'cluster-1');
  assert.equal(failure.fields.reconcileId, events[0]?.reconcileId);
  assert.match(String(failure.fields.reconcileId), /^[0-9a-f-]{36}$/);
  assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg?.includes('listener threw')));
  assert.equal(events.length, 1, 'the other listener still saw the event');
});

test('invalid options are rejected', () => {
  assert.throws(() => harness(async () => undefined, { concurrency: 0 }), {
    code: 'BERTH_ERR_VALIDATION',
  });
  assert.throws(() => harness(async () => undefined, { name: '' }), { field: 'name' });
});
