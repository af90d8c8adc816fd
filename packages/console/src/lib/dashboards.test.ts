import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardQueries, PANELS, rangeAt, seriesOf } from './dashboards.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

test("docs/addons.md lists exactly the dashboards' queries (this module is the single source)", () => {
  const text = fs.readFileSync(path.join(REPO, 'docs/addons.md'), 'utf8');
  const section = text.slice(text.indexOf('## Monitoring dashboards'));
  const documented = [...section.matchAll(/^\|[^|]*\|[^|]*\| `(.+)` +\|$/gm)].map((m) =>
    m[1]!.replaceAll('\\|', '|'),
  );
  assert.deepEqual(documented, dashboardQueries());
  assert.equal(new Set(PANELS.map((p) => p.id)).size, PANELS.length);
});

test('rangeAt: the last hour, aligned to the minute', () => {
  assert.deepEqual(rangeAt(1_700_000_099_000), {
    start: 1_699_996_440,
    end: 1_700_000_040,
    step: 60,
  });
});

test('seriesOf: names series by label, sorts them, drops NaN and Inf, reads vectors too', () => {
  const series = seriesOf(
    {
      resultType: 'matrix',
      result: [
        {
          metric: { namespace: 'z' },
          values: [
            [10, '1'],
            [70, 'NaN'],
            [130, '+Inf'],
            [190, '2'],
          ],
        },
        { metric: { namespace: 'a' }, values: [[10, '3']] },
        { metric: {}, values: [[10, '4']] },
      ],
    },
    (labels) => labels.namespace ?? '(none)',
  );
  assert.deepEqual(series, [
    { name: '(none)', points: [{ t: 10_000, v: 4 }] },
    { name: 'a', points: [{ t: 10_000, v: 3 }] },
    {
      name: 'z',
      points: [
        { t: 10_000, v: 1 },
        { t: 190_000, v: 2 },
      ],
    },
  ]);
  assert.deepEqual(
    seriesOf({ resultType: 'vector', result: [{ metric: {}, value: [5, '7'] }] }, 'now'),
    [{ name: 'now', points: [{ t: 5_000, v: 7 }] }],
  );
});
