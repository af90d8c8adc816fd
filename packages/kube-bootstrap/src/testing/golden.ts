/** Golden-file helpers for renderer tests: goldens live in the source tree's `src/testdata`. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertGolden as assertGoldenIn } from '@berth/test-kit';

const TESTDATA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'src',
  'testdata',
);

export function assertGolden(name: string, actual: string): void {
  assertGoldenIn(TESTDATA, name, actual);
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
    stopTimeoutSec?: number;
  }[];
}): string {
  const files = userData.files.map(
    (f) => `=== file ${f.path} (mode ${(f.mode ?? 0o644).toString(8)})\n${f.content}`,
  );
  const services = userData.services.map((s) =>
    [
      `=== service ${s.name} (restart ${s.restart ?? 'always'}, cwd ${s.workingDir ?? '-'}, after ${(s.after ?? []).join(',') || '-'}${s.stopTimeoutSec === undefined ? '' : `, stop within ${s.stopTimeoutSec}s`})`,
      ...s.command.map((a) => `  ${a}`),
      '',
    ].join('\n'),
  );
  return [...files, ...services].join('');
}
