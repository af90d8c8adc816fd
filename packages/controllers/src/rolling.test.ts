import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxUnavailableCount } from './rolling.js';

test('maxUnavailable: percentages round down, absolutes pass, never below one', () => {
  const cases: Array<[string, number, number]> = [
    ['25%', 8, 2],
    ['25%', 3, 1],
    ['50%', 5, 2],
    ['100%', 4, 4],
    ['0', 5, 1],
    ['0%', 5, 1],
    ['3', 10, 3],
  ];
  for (const [spec, count, want] of cases)
    assert.equal(maxUnavailableCount(spec, count), want, `${spec} of ${count}`);
});
