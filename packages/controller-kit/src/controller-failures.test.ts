import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError, errors } from '@berth/errors';
import { settle } from './fake-clock.js';
import { TerminalError, type Result } from './reconciler.js';
import { harness } from './test-support.js';

// Every failure below must be contained by the controller: none may surface as an unhandled
// rejection or an uncaught exception of the test process.
const escaped: unknown[] = [];
const record = (err: unknown) => escaped.push(err);
before(() => {
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
});
after(() => {
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
  assert.deepEqual(escaped, []);
});

test('retries back off exponentially up to the cap and reset after a success', async () => {
  let failing = true;
  let calls = 0;
  const { controller, events, clock } = harness(async () => {
    calls++;
    if (failing) throw new BerthError('BERTH_ERR_PROVIDER', 'provider down');
  });
  controller.enqueue('k');
  controller.start();
  await settle();
  for (const expected of [100, 200, 400, 400]) {
    assert.equal(events.at(-1)?.nextRunInMs, expected);
    const before = calls;
    await clock.advance(expected - 1);
    assert.equal(calls, before, `no retry before ${expected} ms`);
    await clock.advance(1);
    assert.equal(calls, before + 1, `retry at ${expected} ms`);
  }
  assert.deepEqual(
    events.map((e) => [e.outcome, e.failures]),
    [1, 2, 3, 4, 5].map((n) => ['error', n]),
  );
  failing = false;
  await clock.advance(400);
  assert.deepEqual([events.at(-1)?.outcome, events.at(-1)?.failures], ['success', 0]);
  failing = true;
  controller.enqueue('k');
  await controller.waitIdle();
  assert.equal(events.at(-1)?.nextRunInMs, 100, 'backoff starts over after a success');
});

test('the controller applies jitter from its backoff options', async () => {
  const { controller, events } = harness(
    async () => {
      throw new Error('x');
    },
    { backoff: { baseMs: 1_000, maxMs: 1_000, jitter: 0.5, random: () => 0.5 } },
  );
  controller.enqueue('k');
  controller.start();
  await controller.waitIdle();
  assert.equal(events[0]?.nextRunInMs, 750);
});

test('a pass past its deadline has its signal aborted and counts as a timeout', async () => {
  let seen: AbortSignal | undefined;
  const { controller, events, clock } = harness(
    (_key, signal) => {
      seen = signal;
      return new Promise<void>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason as Error));
      });
    },
    { timeoutMs: 1_000 },
  );
  controller.enqueue('slow');
  controller.start();
  await clock.advance(999);
  assert.equal(seen?.aborted, false);
  assert.equal(events.length, 0);
  await clock.advance(1);
  assert.equal(seen?.aborted, true);
  assert.equal((seen?.reason as BerthError).code, 'BERTH_ERR_TIMEOUT');
  assert.equal(events[0]?.outcome, 'timeout');
  assert.equal(events[0]?.durationMs, 1_000);
  assert.equal(events[0]?.nextRunInMs, 100, 'a timeout is retried with backoff');
});

test('a pass that ignores its signal and returns late is still a timeout', async () => {
  const { controller, events, clock } = harness(
    async () => {
      await new Promise<void>((resolve) => clock.setTimer(resolve, 5_000));
      return { requeueAfterMs: 10 };
    },
    { timeoutMs: 1_000 },
  );
  controller.enqueue('k');
  controller.start();
  await clock.advance(2_000);
  assert.equal(events.length, 0, 'the key stays locked until the pass settles');
  await clock.advance(3_000);
  assert.deepEqual(
    [events[0]?.outcome, events[0]?.error?.message],
    ['timeout', 'reconcile exceeded 1000 ms'],
  );
});

const thrownValues: Array<[string, () => Promise<Result | void>]> = [
  ['an Error', async () => Promise.reject(new Error('boom'))],
  ['a string', async () => Promise.reject('boom')],
  ['undefined', async () => Promise.reject(undefined)],
  ['null', async () => Promise.reject(null)],
  [
    'synchronously, from a non-async function',
    () => {
      throw new Error('sync boom');
    },
  ],
  ['an invalid requeueAfterMs', async () => ({ requeueAfterMs: -5 })],
  ['a NaN requeueAfterMs', async () => ({ requeueAfterMs: Number.NaN })],
];
for (const [what, reconcile] of thrownValues) {
  test(`a reconciler failing with ${what} is contained and retried`, async () => {
    const { controller, events } = harness(reconcile);
    controller.enqueue('k');
    controller.start();
    await controller.waitIdle();
    assert.equal(events[0]?.outcome, 'error');
    assert.ok(events[0]?.error instanceof Error);
    assert.equal(events[0]?.nextRunInMs, 100);
    assert.equal(controller.state, 'running');
  });
}

const terminalErrors: Array<[string, unknown]> = [
  ['TerminalError', new TerminalError('flavor does not exist')],
  ['a non-retryable BerthError', errors.invalid('spec.flavor', 'unknown flavor')],
];
for (const [what, failure] of terminalErrors) {
  test(`${what} stops retries until the key is enqueued again`, async () => {
    let calls = 0;
    const { controller, events, clock } = harness(async () => {
      calls++;
      throw failure;
    });
    controller.enqueue('k');
    controller.start();
    await controller.waitIdle();
    assert.equal(events[0]?.outcome, 'terminal');
    assert.equal(events[0]?.error, failure);
    assert.equal(events[0]?.nextRunInMs, undefined);
    await clock.advance(3_600_000);
    assert.equal(calls, 1);
    assert.equal(clock.pendingTimers, 0);
    controller.enqueue('k');
    await controller.waitIdle();
    assert.equal(calls, 2);
  });
}

test('a terminal failure resets the backoff of its key', async () => {
  let attempt = 0;
  const { controller, events, clock } = harness(async () => {
    attempt++;
    if (attempt <= 2) throw new Error('transient');
    if (attempt === 3) throw new TerminalError('give up');
    throw new Error('transient again');
  });
  controller.enqueue('k');
  controller.start();
  await clock.advance(300);
  assert.deepEqual(
    events.map((e) => e.outcome),
    ['error', 'error', 'terminal'],
  );
  controller.enqueue('k');
  await controller.waitIdle();
  assert.deepEqual([events[3]?.failures, events[3]?.nextRunInMs], [1, 100]);
});
