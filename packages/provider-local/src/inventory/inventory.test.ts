import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonFileInventory } from './json-file-inventory.js';
import { updateRecord } from './inventory.js';

function tempFile(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-inv-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'inventory.json');
}

test('put, get, list and delete with versions', async (t) => {
  const inv = new JsonFileInventory(tempFile(t));
  assert.equal(await inv.get('server', 'a'), undefined);
  const first = await inv.put('server', 'b', { n: 1 }, 0);
  assert.equal(first.version, 1);
  await inv.put('server', 'a', { n: 2 });
  const second = await inv.put('server', 'b', { n: 3 }, 1);
  assert.equal(second.version, 2);
  assert.deepEqual(
    (await inv.list<{ n: number }>('server')).map((r) => [r.id, r.value.n, r.version]),
    [
      ['a', 2, 1],
      ['b', 3, 2],
    ],
  );
  assert.equal(await inv.delete('server', 'b', 2), true);
  assert.equal(await inv.delete('server', 'b'), false);
  assert.deepEqual(await inv.list('network'), []);
});

test('compare-and-set rejects stale writers', async (t) => {
  const inv = new JsonFileInventory(tempFile(t));
  await inv.put('net', 'n', { cidr: '10.0.0.0/24' }, 0);
  await assert.rejects(inv.put('net', 'n', { cidr: 'x' }, 0), { code: 'BERTH_ERR_CONFLICT' });
  await assert.rejects(inv.put('net', 'n', { cidr: 'x' }, 7), { code: 'BERTH_ERR_CONFLICT' });
  await assert.rejects(inv.delete('net', 'n', 2), { code: 'BERTH_ERR_CONFLICT' });
  assert.deepEqual((await inv.get('net', 'n'))?.value, { cidr: '10.0.0.0/24' });
});

test('a second instance on the same file sees writes, and races resolve through versions', async (t) => {
  const file = tempFile(t);
  const one = new JsonFileInventory(file);
  const two = new JsonFileInventory(file);
  await one.put('counter', 'c', 0, 0);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      updateRecord<number>(i % 2 ? one : two, 'counter', 'c', (n) => (n ?? 0) + 1),
    ),
  );
  assert.equal((await one.get<number>('counter', 'c'))?.value, 10);
});

test('values are copies: mutating a returned value does not change the store', async (t) => {
  const inv = new JsonFileInventory(tempFile(t));
  const value = { list: [1] };
  await inv.put('k', 'i', value);
  value.list.push(2);
  const read = await inv.get<{ list: number[] }>('k', 'i');
  read?.value.list.push(3);
  assert.deepEqual((await inv.get('k', 'i'))?.value, { list: [1] });
});

test('the file is replaced atomically and leaves no temporary files', async (t) => {
  const file = tempFile(t);
  const inv = new JsonFileInventory(file);
  await Promise.all(Array.from({ length: 20 }, (_, i) => inv.put('k', `i${i}`, i)));
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['inventory.json']);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).format, 1);
});
