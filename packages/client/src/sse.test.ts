import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from './sse.js';

test('parses messages with id, event, multi-line data and retry', () => {
  const parser = new SseParser();
  const out = parser.push('id: 7\nevent: cluster\ndata: {"a":\ndata: 1}\nretry: 1500\n\n');
  assert.deepEqual(out, [{ event: 'cluster', data: '{"a":\n1}', id: '7', retry: 1500 }]);
});

test('messages split across chunks at any byte come out whole', () => {
  const text = 'id: 1\ndata: one\n\n: keep-alive\n\nid: 2\r\ndata: two\r\n\r\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new SseParser();
    const out = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    assert.deepEqual(
      out.map((m) => [m.id, m.data]),
      [
        ['1', 'one'],
        ['2', 'two'],
      ],
      `cut at ${cut}`,
    );
  }
});

test('comments and data-less messages are not dispatched; bare CR ends lines', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(': ping\n\nevent: x\n\n'), []);
  assert.deepEqual(parser.push('data:no-space\rdata: b\r\r: next\n'), [
    { event: 'message', data: 'no-space\nb' },
  ]);
});

test('a lone retry field reaches the caller', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('retry: 250\n\n'), [{ event: 'message', data: '', retry: 250 }]);
});
