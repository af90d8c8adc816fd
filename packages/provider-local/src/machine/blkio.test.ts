import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  THROTTLE_FILES,
  applyBlockLimits,
  blkioGroupOf,
  parseThrottleRules,
  throttleWrites,
  type DeviceLimits,
} from './blkio.js';

const hdd: DeviceLimits = {
  device: '7:3',
  limits: { readIops: 200, writeIops: 150, readBytesPerSec: 1000, writeBytesPerSec: 2000 },
};

describe('blkio throttling rules', () => {
  it('parses the kernel files and ignores what is not a rule', () => {
    assert.deepEqual(
      [...parseThrottleRules('7:3 200\n8:0 10\n\n')],
      [
        ['7:3', 200],
        ['8:0', 10],
      ],
    );
    assert.deepEqual([...parseThrottleRules('')], []);
  });

  it('writes changed and new rules and removes unwanted ones with 0', () => {
    const current = new Map([
      ['7:3', 100],
      ['7:9', 500],
      ['8:0', 10],
    ]);
    const wanted = new Map([
      ['7:3', 200],
      ['8:0', 10],
      ['7:4', 50],
    ]);
    assert.deepEqual(throttleWrites(current, wanted), ['7:3 200', '7:4 50', '7:9 0']);
    assert.deepEqual(throttleWrites(wanted, wanted), [], 'nothing to write when in place');
  });

  it('applies the rules to a group and every group below it; a second pass writes nothing', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blkio-'));
    try {
      const groups = [root, path.join(root, 'kubepods'), path.join(root, 'kubepods', 'pod1')];
      for (const dir of groups) {
        fs.mkdirSync(dir, { recursive: true });
        for (const file of Object.values(THROTTLE_FILES))
          fs.writeFileSync(path.join(dir, file), '');
      }
      // The kernel replaces a rule per write; this fake file keeps the last write only, which
      // is enough to see that each group got each figure.
      assert.equal(applyBlockLimits(root, [hdd]), 12);
      for (const dir of groups) {
        assert.equal(fs.readFileSync(path.join(dir, THROTTLE_FILES.readIops), 'utf8'), '7:3 200');
        assert.equal(fs.readFileSync(path.join(dir, THROTTLE_FILES.writeIops), 'utf8'), '7:3 150');
        assert.equal(
          fs.readFileSync(path.join(dir, THROTTLE_FILES.writeBytesPerSec), 'utf8'),
          '7:3 2000',
        );
      }
      assert.equal(applyBlockLimits(root, [hdd]), 0);
      assert.equal(applyBlockLimits(root, []), 12, 'every rule removed');
      assert.equal(fs.readFileSync(path.join(root, THROTTLE_FILES.readIops), 'utf8'), '7:3 0');
      assert.equal(
        applyBlockLimits(path.join(root, 'gone'), [hdd]),
        0,
        'a missing group is skipped',
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds the blkio group among a machine cgroup.procs files', () => {
    const procs = [
      '/sys/fs/cgroup/cpu,cpuacct/berth-servers/s1/cgroup.procs',
      '/sys/fs/cgroup/blkio/berth-servers/s1/cgroup.procs',
    ];
    assert.equal(blkioGroupOf(procs), '/sys/fs/cgroup/blkio/berth-servers/s1');
    assert.equal(blkioGroupOf(['/sys/fs/cgroup/berth-servers/s1/cgroup.procs']), undefined);
  });
});
