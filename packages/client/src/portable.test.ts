import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAbortError } from './api-error.js';
import { randomUuid, sleep } from './portable.js';

test('randomUuid gives distinct version-4 UUIDs', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = randomUuid();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
});

test('sleep waits, and an abort rejects it with an abort error at once', async () => {
  const started = Date.now();
  await sleep(30);
  assert.ok(Date.now() - started >= 25);
  const controller = new AbortController();
  const pending = sleep(10_000, controller.signal);
  controller.abort();
  await assert.rejects(pending, (err) => isAbortError(err));
  await assert.rejects(sleep(10, AbortSignal.abort()), (err) => isAbortError(err));
});
