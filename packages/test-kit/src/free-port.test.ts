import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from './free-port.js';

test('freePort never hands out the same port twice in a process', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 200; i++) ports.push(await freePort());
  assert.equal(new Set(ports).size, ports.length);
  for (const port of ports) assert.ok(port > 0 && port < 65536);
});
