import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EXPOSE_SCRIPT, UNEXPOSE_SCRIPT, loopsOf } from './block-devices.js';

function fakeLoop(sys: string, name: string, backing: string, autoclear: boolean, dev: string) {
  fs.mkdirSync(path.join(sys, name, 'loop'), { recursive: true });
  fs.writeFileSync(path.join(sys, name, 'dev'), `${dev}\n`);
  fs.writeFileSync(path.join(sys, name, 'loop', 'backing_file'), `${backing}\n`);
  fs.writeFileSync(path.join(sys, name, 'loop', 'autoclear'), autoclear ? '1\n' : '0\n');
}

test('loop devices of a file come from sysfs, deleted files and autoclear included', () => {
  const sys = fs.mkdtempSync(path.join(os.tmpdir(), 'sysblock-'));
  try {
    fakeLoop(sys, 'loop0', '/data/volumes/ssd/a.img', false, '7:0');
    fakeLoop(sys, 'loop3', '/data/volumes/ssd/a.img (deleted)', true, '7:3');
    fakeLoop(sys, 'loop4', '/data/volumes/ssd/b.img', false, '7:4');
    fs.mkdirSync(path.join(sys, 'loop5')); // set up by nobody: no loop/ directory
    fs.mkdirSync(path.join(sys, 'sda'));
    assert.deepEqual(loopsOf('/data/volumes/ssd/a.img', sys), [
      { device: '/dev/loop0', id: '7:0', autoclear: false },
      { device: '/dev/loop3', id: '7:3', autoclear: true },
    ]);
    assert.deepEqual(loopsOf('/data/volumes/ssd/none.img', sys), []);
    assert.deepEqual(loopsOf('/x', path.join(sys, 'missing')), []);
  } finally {
    fs.rmSync(sys, { recursive: true, force: true });
  }
});

test('the scripts run in the server namespace stop at the first failure', () => {
  for (const script of [EXPOSE_SCRIPT, UNEXPOSE_SCRIPT]) assert.match(script, /^set -eu\n/);
  assert.match(
    EXPOSE_SCRIPT,
    /mount -t tmpfs -o mode=0755,size=64k,nosuid,noexec berth-dev "\$dir"/,
  );
  assert.match(UNEXPOSE_SCRIPT, /umount -l/);
});
