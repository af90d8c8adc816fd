import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressesOn,
  candidatesByName,
  candidatesByTags,
  holderOf,
  indexedTable,
  lookup,
  reindex,
  where,
} from './indexed-table.js';

interface Row {
  id: string;
  name: string;
  tags: Record<string, string>;
  createdAt: string;
  parent: string | null;
  ip: string;
}

const row = (id: string, parent: string | null, tags: Record<string, string> = {}): Row => ({
  id,
  name: `n-${id}`,
  tags,
  createdAt: '',
  parent,
  ip: `10.0.0.${id}`,
});

test('an indexed table reads as a plain record and follows inserts, replacements and deletes', () => {
  const table = indexedTable<Row>(
    { '1': row('1', 'a', { c: 'x' }) },
    { fields: ['parent'], addressesOf: (r) => [{ networkId: 'net', ip: r.ip }] },
  );
  table['2'] = row('2', 'a', { c: 'x', r: 'w' });
  table['3'] = row('3', 'b', { c: 'y' });
  assert.deepEqual(Object.keys(table), ['1', '2', '3']);
  assert.deepEqual(JSON.parse(JSON.stringify(table))['3'].parent, 'b');
  assert.deepEqual(
    where(table, 'parent', 'a').map((r) => r.id),
    ['1', '2'],
  );
  assert.deepEqual(
    candidatesByTags(table, { c: 'x', r: 'w' }).map((r) => r.id),
    ['2'],
  );
  assert.deepEqual(candidatesByTags(table, { c: 'z' }), []);
  assert.deepEqual(
    candidatesByName(table, 'n-3').map((r) => r.id),
    ['3'],
  );
  assert.deepEqual(addressesOn(table, 'net').sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  assert.equal(holderOf(table, 'net', '10.0.0.2'), '2');

  table['2'] = { ...row('2', 'b'), ip: '10.0.0.9' };
  delete table['1'];
  assert.deepEqual(where(table, 'parent', 'a'), []);
  assert.deepEqual(
    where(table, 'parent', 'b').map((r) => r.id),
    ['2', '3'],
  );
  assert.deepEqual(addressesOn(table, 'net').sort(), ['10.0.0.3', '10.0.0.9']);
  assert.equal(holderOf(table, 'net', '10.0.0.1'), undefined);
  assert.deepEqual(candidatesByTags(table, { c: 'x' }), []);
});

test('a field changed in place is never reported under its old value', () => {
  const table = indexedTable<Row>({ '1': row('1', 'a') }, { fields: ['parent'] });
  table['1']!.parent = null;
  assert.deepEqual(where(table, 'parent', 'a'), []);
});

test('lookups find records by any of their keys; reindex follows a change made in place', () => {
  const table = indexedTable<Row & { legs: string[] }>(
    { '1': { ...row('1', null), legs: ['s1'] } },
    {
      lookups: { leg: (r) => r.legs },
      addressesOf: (r) => r.legs.map((leg) => ({ networkId: leg, ip: r.ip })),
    },
  );
  table['1']!.legs.push('s2');
  assert.deepEqual(lookup(table, 'leg', 's2'), [], 'indexed as inserted until re-indexed');
  reindex(table, '1');
  assert.deepEqual(
    lookup(table, 'leg', 's2').map((r) => r.id),
    ['1'],
  );
  assert.deepEqual(addressesOn(table, 's2'), ['10.0.0.1']);
  table['1']!.legs = [];
  reindex(table, '1');
  assert.deepEqual(lookup(table, 'leg', 's1'), []);
  assert.deepEqual(addressesOn(table, 's1'), []);
});
