import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.js';
import { InMemoryLease } from './leader-election.js';

test('one identity holds the lease; others are refused until it is released', async () => {
  const lease = new InMemoryLease({ durationMs: 1_000, clock: new FakeClock() });
  const a = lease.elector('a');
  const b = lease.elector('b');
  assert.equal(await a.acquire(), true);
  assert.equal(await a.acquire(), true, 'acquiring a lease already held is fine');
  assert.equal(await b.acquire(), false);
  assert.equal(await b.renew(), false);
  assert.equal(lease.holder(), 'a');
  await b.release();
  assert.equal(lease.holder(), 'a', 'releasing a lease held by another is a no-op');
  await a.release();
  assert.equal(lease.holder(), undefined);
  assert.equal(await b.acquire(), true);
});

test('renewals keep the lease; without them it expires and another may take it', async () => {
  const clock = new FakeClock();
  const lease = new InMemoryLease({ durationMs: 1_000, clock });
  const a = lease.elector('a');
  const b = lease.elector('b');
  await a.acquire();
  await clock.advance(900);
  assert.equal(await a.renew(), true);
  await clock.advance(900);
  assert.equal(await b.acquire(), false, 'renewed 900 ms ago: still held');
  await clock.advance(100);
  assert.equal(lease.holder(), undefined);
  assert.equal(await a.renew(), false, 'an expired lease is not renewed');
  assert.equal(await b.acquire(), true);
  assert.equal(await a.renew(), false);
});
