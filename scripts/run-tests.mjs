#!/usr/bin/env node
// Builds every package, then runs every compiled test file with node:test.
// Usage: node scripts/run-tests.mjs [substring-filter ...]
// Unit tests live beside the code (src/**/*.test.ts); integration and e2e suites live in their
// packages too and name themselves *.int.test.ts / *.e2e.test.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const filters = process.argv.slice(2);

const build = spawnSync('npx', ['tsc', '--build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// The scripts' own tests (the architecture check) run beside the packages' unit tests.
const scriptTests = fs
  .readdirSync(path.join(root, 'scripts'))
  .filter((f) => f.endsWith('.test.mjs'))
  .map((f) => path.join(root, 'scripts', f));
const files = fs
  .readdirSync(path.join(root, 'packages'))
  .flatMap((pkg) => walk(path.join(root, 'packages', pkg, 'dist'), []))
  .concat(scriptTests)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Unit and integration files run two at a time; end-to-end files (real namespaces, HAProxy,
// keepalived, Kubernetes components) run one at a time, because on two cores a second heavy
// suite starves their timing (VRRP adverts, node heartbeats) and makes them flaky.
const concurrency = process.env.BERTH_TEST_CONCURRENCY ?? '2';
const isE2e = (f) => f.endsWith('.e2e.test.js');
const phases = [
  { files: files.filter((f) => !isE2e(f)), concurrency },
  { files: files.filter(isE2e), concurrency: process.env.BERTH_E2E_CONCURRENCY ?? '1' },
].filter((p) => p.files.length > 0);
/** Generous: a cold component build inside an e2e test takes minutes. */
const TEST_TIMEOUT_MS = 20 * 60_000;
let failed = false;
for (const phase of phases) {
  const run = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      // A file whose tests are done exits even if a handle is left open (a probe loop after a
      // failed assertion), and no single test can hold CI past its limit.
      '--test-force-exit',
      `--test-timeout=${TEST_TIMEOUT_MS}`,
      '--test-reporter=spec',
      ...phase.files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
