import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProxyHeader } from './proxy-protocol.js';

const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

function v2(verCmd: number, fam: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(verCmd, 0);
  head.writeUInt8(fam, 1);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([SIG, head, body]);
}

test('PROXY v1: the line is parsed and its length counted; UNKNOWN has no addresses', () => {
  const line = 'PROXY TCP4 198.18.7.1 10.0.0.9 40000 81\r\n';
  assert.deepEqual(parseProxyHeader(Buffer.from(`${line}GET / HTTP/1.1\r\n`)), {
    kind: 'header',
    length: line.length,
    header: {
      version: 1,
      command: 'PROXY',
      family: 'TCP4',
      source: '198.18.7.1',
      destination: '10.0.0.9',
      sourcePort: 40000,
      destinationPort: 81,
    },
  });
  assert.deepEqual(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n')), {
    kind: 'header',
    length: 15,
    header: { version: 1, command: 'PROXY', family: 'UNKNOWN' },
  });
  assert.deepEqual(parseProxyHeader(Buffer.from('PROXY TCP4 1.2')), { kind: 'incomplete' });
  assert.deepEqual(parseProxyHeader(Buffer.from('PRO')), { kind: 'incomplete' });
  assert.throws(() => parseProxyHeader(Buffer.from(`PROXY ${'x'.repeat(120)}`)));
});

test('PROXY v2: TCP4 addresses and ports, LOCAL without, partial headers wait', () => {
  const body = Buffer.from([198, 18, 7, 1, 10, 0, 0, 9, 0x9c, 0x40, 0, 82, 0xaa]);
  const header = v2(0x21, 0x11, body);
  assert.deepEqual(parseProxyHeader(Buffer.concat([header, Buffer.from('GET')])), {
    kind: 'header',
    length: header.length,
    header: {
      version: 2,
      command: 'PROXY',
      family: 'TCP4',
      source: '198.18.7.1',
      destination: '10.0.0.9',
      sourcePort: 40000,
      destinationPort: 82,
    },
  });
  assert.deepEqual(parseProxyHeader(header.subarray(0, 20)), { kind: 'incomplete' });
  assert.deepEqual(parseProxyHeader(SIG.subarray(0, 5)), { kind: 'incomplete' });
  assert.deepEqual(parseProxyHeader(v2(0x20, 0x00, Buffer.alloc(0))), {
    kind: 'header',
    length: 16,
    header: { version: 2, command: 'LOCAL', family: 'UNSPEC' },
  });
});

test('a connection without a PROXY header is plain', () => {
  assert.deepEqual(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'none' });
  assert.deepEqual(parseProxyHeader(Buffer.from('\r\nX')), { kind: 'none' });
});
