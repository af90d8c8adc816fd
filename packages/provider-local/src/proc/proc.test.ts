import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseStat, readStat } from './proc.js';
import { readPidFile, verifyPid, writePidFile } from './pid-file.js';

test('stat parsing survives spaces and parentheses in the command name', () => {
  const text = '42 (we (ird) name) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 0 0';
  assert.deepEqual(parseStat(text), {
    pid: 42,
    state: 'S',
    ppid: 1,
    pgid: 42,
    sid: 42,
    startTime: 123456,
  });
});

test('a pid record verifies only for the same process and argv', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pid-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'self.pid');
  assert.ok(writePidFile(file, process.pid));
  const record = readPidFile(file);
  assert.ok(record !== undefined);
  assert.equal(record.startTime, readStat(process.pid)?.startTime);
  assert.ok(verifyPid(record));
  assert.ok(verifyPid(record, { argvIncludes: [process.execPath] }));
  assert.ok(!verifyPid(record, { argvIncludes: ['--not-our-flag'] }));
  assert.ok(
    !verifyPid({ ...record, startTime: record.startTime + 1 }),
    'a recycled pid is rejected',
  );
  fs.writeFileSync(file, 'garbage');
  assert.equal(readPidFile(file), undefined);
});
