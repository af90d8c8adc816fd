import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Compares rendered output with `<dir>/<name>.golden`. `UPDATE_GOLDEN=1` rewrites the file
 * instead, after which `git diff` shows exactly what a change did to rendered output. `dir` is
 * the source tree's testdata folder (tests run from dist/, goldens live in src/).
 */
export function assertGolden(dir: string, name: string, actual: string): void {
  const file = path.join(dir, `${name}.golden`);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `missing golden file ${file}; run with UPDATE_GOLDEN=1`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `rendered output differs from ${file}`);
}
