import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopWaiting, until } from './until.js';

test('until returns the first value that is not undefined or false', async () => {
  let n = 0;
  const value = await until('n to reach 3', () => (++n >= 3 ? n : false), { intervalMs: 1 });
  assert.equal(value, 3);
});

test('until retries a throwing probe and names its last error on timeout', async () => {
  await assert.rejects(
    until(
      'a server',
      () => {
        throw new Error('ECONNREFUSED');
      },
      { timeoutMs: 30, intervalMs: 5 },
    ),
    /timed out after 30 ms waiting for a server \(last error: ECONNREFUSED\)/,
  );
});

test('StopWaiting ends the wait at once', async () => {
  const began = Date.now();
  await assert.rejects(
    until(
      'never',
      () => {
        throw new StopWaiting('process exited');
      },
      { timeoutMs: 5_000 },
    ),
    /process exited/,
  );
  assert.ok(Date.now() - began < 1_000);
});
