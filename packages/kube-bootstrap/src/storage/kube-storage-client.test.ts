/** parseQuantity: bytes of the quantities Kubernetes writes in PVC and PV capacities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './kube-storage-client.js';

const KI = 1024;
const GI = 1024 ** 3;

test('binary and decimal suffixes, and plain bytes', () => {
  const cases: Array<[string, number]> = [
    ['10Gi', 10 * GI],
    ['1Ki', KI],
    ['512Mi', 512 * 1024 ** 2],
    ['2Ti', 2 * 1024 ** 4],
    ['1Pi', 1024 ** 5],
    ['1G', 1e9],
    ['1k', 1e3],
    ['100M', 1e8],
    ['3T', 3e12],
    ['1P', 1e15],
    ['1073741824', GI],
    ['0', 0],
    [' 5Gi ', 5 * GI],
  ];
  for (const [q, bytes] of cases) assert.equal(parseQuantity(q), bytes, q);
});

test('fractions are exact and round up to a whole byte', () => {
  const cases: Array<[string, number]> = [
    ['1.5Gi', 1.5 * GI],
    ['0.5Ki', 512],
    ['1.1G', 1_100_000_000],
    ['2.5', 3],
    ['.5Ki', 512],
    ['1.Ki', KI],
  ];
  for (const [q, bytes] of cases) assert.equal(parseQuantity(q), bytes, q);
});

test('milli and exponent forms, which the API server may hand back, are read', () => {
  const cases: Array<[string, number]> = [
    ['500m', 1],
    ['2000m', 2],
    ['1e9', 1e9],
    ['1E3', 1e3],
    ['15e-1', 2],
    ['1E', 1e18],
  ];
  for (const [q, bytes] of cases) assert.equal(parseQuantity(q), bytes, q);
});

test('what is not a quantity throws', () => {
  for (const q of [
    '',
    ' ',
    'Gi',
    '.',
    'ten',
    '10GB',
    '10gi',
    '1.2.3Gi',
    '--1',
    '-1Gi',
    '1 Gi',
    '0x10',
  ]) {
    assert.throws(() => parseQuantity(q), /unreadable quantity/, JSON.stringify(q));
  }
});

test('an exponent beyond any size throws rather than computing', () => {
  assert.throws(() => parseQuantity('1e999999999'), /out of range/);
});
