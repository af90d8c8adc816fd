/**
 * Golden-file comparison for renderer tests. `UPDATE_GOLDEN=1` rewrites the files instead of
 * comparing, after which `git diff` shows exactly what a change did to rendered output.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The source tree's testdata folder (tests run from dist/, goldens live in src/). */
function testdataDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'src', 'testdata');
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

/** Placeholder PEMs that keep rendered output short and stable. */
export function fakePem(label: string): { certPem: string; keyPem: string } {
  return { certPem: `CERT(${label})\n`, keyPem: `KEY(${label})\n` };
}

/** User data as reviewable text: each file with its mode and content, each service's argv. */
export function describeUserData(userData: {
  files: { path: string; content: string; mode?: number }[];
  services: {
    name: string;
    command: string[];
    workingDir?: string;
    restart?: string;
    after?: string[];
  }[];
}): string {
  const files = userData.files.map(
    (f) => `=== file ${f.path} (mode ${(f.mode ?? 0o644).toString(8)})\n${f.content}`,
  );
  const services = userData.services.map((s) =>
    [
      `=== service ${s.name} (restart ${s.restart ?? 'always'}, cwd ${s.workingDir ?? '-'}, after ${(s.after ?? []).join(',') || '-'})`,
      ...s.command.map((a) => `  ${a}`),
      '',
    ].join('\n'),
  );
  return [...files, ...services].join('');
}
