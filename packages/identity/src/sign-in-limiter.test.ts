import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignInLimiter } from './sign-in-limiter.js';

test('failures per (user, address) are limited in a sliding window; success resets the pair', () => {
  let now = 0;
  const limiter = new SignInLimiter({ perAddress: 3, perUser: 10, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) {
    limiter.check('alice', '10.0.0.1');
    limiter.recordFailure('alice', '10.0.0.1');
    now += 1_000;
  }
  assert.throws(() => limiter.check('alice', '10.0.0.1'), { code: 'BERTH_ERR_RATE_LIMITED' });
  assert.throws(() => limiter.check('ALICE', '10.0.0.1'), { code: 'BERTH_ERR_RATE_LIMITED' });
  limiter.check('alice', '10.0.0.2');
  limiter.check('bob', '10.0.0.1');
  now = 60_001; // the first failure left the window
  limiter.check('alice', '10.0.0.1');
  limiter.recordSuccess('alice', '10.0.0.1');
  limiter.check('alice', '10.0.0.1');
});

test('failures for one user from many addresses hit the per-user limit', () => {
  let now = 0;
  const limiter = new SignInLimiter({ perAddress: 3, perUser: 5, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 5; i++) limiter.recordFailure('alice', `10.0.0.${i}`);
  assert.throws(
    () => limiter.check('alice', '10.9.9.9'),
    (err: Error & { details?: unknown }) => {
      assert.match(err.message, /try again in 60 s/);
      return true;
    },
  );
  now = 30_000;
  assert.throws(() => limiter.check('alice', '10.9.9.9'), /try again in 30 s/);
});
