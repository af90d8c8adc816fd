import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.js';
import { WorkQueue } from './work-queue.js';

function drain(queue: WorkQueue): string[] {
  const keys: string[] = [];
  for (let key = queue.take(); key !== undefined; key = queue.take()) keys.push(key);
  return keys;
}

test('a key added while queued is one item; order is first-in first-out', () => {
  const queue = new WorkQueue(new FakeClock());
  for (const key of ['a', 'b', 'a', 'c', 'b', 'a']) queue.add(key);
  assert.equal(queue.depth, 3);
  assert.deepEqual(drain(queue), ['a', 'b', 'c']);
});

test('a processing key is never handed out again until done', () => {
  const queue = new WorkQueue(new FakeClock());
  queue.add('a');
  assert.equal(queue.take(), 'a');
  queue.add('a');
  queue.add('a');
  assert.equal(queue.take(), undefined, 'a is processing; its re-add waits');
  assert.equal(queue.isPending('a'), true);
  queue.done('a');
  assert.deepEqual(drain(queue), ['a'], 'added twice while processing → queued once');
  queue.done('a');
  assert.equal(queue.take(), undefined, 'no further pass without a further add');
});

test('done without a re-add leaves nothing queued', () => {
  const queue = new WorkQueue(new FakeClock());
  queue.add('a');
  queue.take();
  queue.done('a');
  assert.equal(queue.depth, 0);
  assert.equal(queue.processingCount, 0);
});

test('addAfter queues after the delay; the earliest deadline wins', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue(clock);
  queue.addAfter('a', 1_000);
  queue.addAfter('a', 5_000);
  queue.addAfter('a', 300);
  assert.equal(queue.delayedCount, 1);
  await clock.advance(299);
  assert.equal(queue.depth, 0);
  await clock.advance(1);
  assert.deepEqual(drain(queue), ['a']);
  queue.done('a');
  await clock.advance(10_000);
  assert.equal(queue.depth, 0, 'the later deadlines were dropped, not kept as extra timers');
  assert.equal(clock.pendingTimers, 0);
});

test('an immediate add cancels a pending delayed add of the same key', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue(clock);
  queue.addAfter('a', 1_000);
  queue.add('a');
  assert.equal(queue.delayedCount, 0);
  assert.deepEqual(drain(queue), ['a']);
  queue.done('a');
  await clock.advance(2_000);
  assert.equal(queue.depth, 0);
});

test('addAfter of an already queued key is ignored; zero delay means now', () => {
  const clock = new FakeClock();
  const queue = new WorkQueue(clock);
  queue.add('a');
  queue.addAfter('a', 1_000);
  assert.equal(queue.delayedCount, 0);
  queue.addAfter('b', 0);
  assert.deepEqual(drain(queue), ['a', 'b']);
});

test('a delayed add firing while the key is processing queues it after done', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue(clock);
  queue.add('a');
  queue.take();
  queue.addAfter('a', 100);
  await clock.advance(100);
  assert.equal(queue.take(), undefined);
  queue.done('a');
  assert.deepEqual(drain(queue), ['a']);
});

test('clearDelayed cancels every timer', async () => {
  const clock = new FakeClock();
  const changes: number[] = [];
  const queue = new WorkQueue(clock, () => changes.push(queue.depth));
  queue.addAfter('a', 100);
  queue.addAfter('b', 200);
  queue.clearDelayed();
  assert.equal(clock.pendingTimers, 0);
  await clock.advance(1_000);
  assert.equal(queue.depth, 0);
  assert.deepEqual(changes, []);
});
