/**
 * Golden-file comparison for renderer tests. `UPDATE_GOLDEN=1` rewrites the files instead of
 * comparing, after which `git diff` shows exactly what a change did to rendered output.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The source tree's testdata folder (tests run from dist/, goldens live in src/). */
export function testdataDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'src', 'render', 'testdata');
}

export function assertGolden(name: string, actual: string): void {
  const file = path.join(testdataDir(), `${name}.golden`);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `missing golden file ${file}; run with UPDATE_GOLDEN=1`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `rendered output differs from ${file}`);
}
