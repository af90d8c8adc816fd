import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.js';

test('advance fires due timers in deadline order, ties in the order they were set', async () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  clock.setTimer(() => fired.push('b@200'), 200);
  clock.setTimer(() => fired.push('a@100'), 100);
  clock.setTimer(() => fired.push('c@200'), 200);
  const cancelled = clock.setTimer(() => fired.push('never'), 150);
  cancelled.cancel();
  await clock.advance(199);
  assert.deepEqual(fired, ['a@100']);
  assert.equal(clock.nextTimerInMs(), 1);
  await clock.advance(1);
  assert.deepEqual(fired, ['a@100', 'b@200', 'c@200']);
  assert.equal(clock.now(), 200);
  assert.equal(clock.pendingTimers, 0);
});

test('timers set by a firing timer or an awaited callback within the window also fire', async () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  clock.setTimer(async () => {
    await Promise.resolve();
    fired.push(clock.now());
    clock.setTimer(() => fired.push(clock.now()), 50);
  }, 100);
  await clock.advance(1_000);
  assert.deepEqual(fired, [100, 150]);
  assert.equal(clock.now(), 1_000);
});
