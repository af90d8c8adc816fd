import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadPlatformImages } from './platform.js';

test('a fio that cannot be packed is skipped and reported; the other images stay', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-platform-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const busybox = path.join(dir, 'busybox');
  fs.writeFileSync(busybox, '#!/bin/sh\nprintf "bin/sh\\nbin/ls\\n"\n', { mode: 0o755 });
  const fio = path.join(dir, 'fio');
  fs.writeFileSync(fio, '#!/bin/sh\necho fio-3.33\n', { mode: 0o755 });
  const skipped: Array<[string, unknown]> = [];
  const images = await loadPlatformImages(
    {
      pause: [],
      coredns: [],
      busybox: { path: busybox, version: '1.35.0' },
      fio,
      berthVersion: '0.1.0',
    },
    { skipped: (repository, err) => skipped.push([repository, err]) },
  );
  assert.deepEqual(
    images.map((i) => i.repository),
    ['berth/toolbox'],
  );
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0]![0], 'berth/fio');
  assert.equal((skipped[0]![1] as { code?: string }).code, 'BERTH_ERR_VALIDATION', 'not an ELF');
});
