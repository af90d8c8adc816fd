import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffCeiling, KeyedBackoff } from './backoff.js';

test('delays double per consecutive failure and stop at the cap (no jitter)', () => {
  const backoff = new KeyedBackoff({ baseMs: 100, maxMs: 1_000, factor: 2, jitter: 0 });
  const delays = Array.from({ length: 7 }, () => backoff.next('k'));
  assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000, 1_000]);
  assert.equal(backoff.failures('k'), 7);
});

test('keys back off independently and reset starts again from the base', () => {
  const backoff = new KeyedBackoff({ baseMs: 10, maxMs: 10_000, jitter: 0 });
  backoff.next('a');
  backoff.next('a');
  assert.equal(backoff.next('b'), 10);
  assert.equal(backoff.next('a'), 40);
  backoff.reset('a');
  assert.equal(backoff.failures('a'), 0);
  assert.equal(backoff.next('a'), 10);
});

test('jitter shortens a delay by at most its fraction: extremes of the random source', () => {
  const low = new KeyedBackoff({ baseMs: 1_000, jitter: 0.25, random: () => 0 });
  const high = new KeyedBackoff({ baseMs: 1_000, jitter: 0.25, random: () => 0.999_999 });
  assert.equal(low.next('k'), 1_000);
  assert.ok(Math.abs(high.next('k') - 750) < 0.01);
});

test('property: every delay lies in [ceiling·(1−jitter), ceiling] and never above maxMs', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5_000 }),
      fc.integer({ min: 1, max: 600_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 40 }),
      (baseMs, maxMs, jitter, randoms) => {
        let i = 0;
        const random = () => randoms[i++] ?? 0.5;
        const backoff = new KeyedBackoff({ baseMs, maxMs, jitter, random });
        for (let failures = 1; failures <= randoms.length + 1; failures++) {
          const ceiling = backoffCeiling(failures, { baseMs, maxMs, factor: 2 });
          const delay = backoff.next('k');
          assert.ok(delay <= ceiling && delay <= maxMs, `${delay} > ${ceiling}`);
          assert.ok(delay >= ceiling * (1 - jitter) - 1e-9, `${delay} < lower bound`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('a jitter outside [0, 1] is rejected', () => {
  assert.throws(() => new KeyedBackoff({ jitter: 1.5 }), { code: 'BERTH_ERR_VALIDATION' });
});
