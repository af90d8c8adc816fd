#!/usr/bin/env node
// Builds every package, then runs every compiled test file with node:test.
// Usage: node scripts/run-tests.mjs [substring-filter ...]
// Unit tests live beside the code (src/**/*.test.ts); integration and e2e suites live in their
// packages too and name themselves *.int.test.ts / *.e2e.test.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const filters = process.argv.slice(2);

const build = spawnSync('npx', ['tsc', '--build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function sourceOf(compiled) {
  return compiled
    .replace(`${path.sep}dist${path.sep}`, `${path.sep}src${path.sep}`)
    .replace(/\.js$/, '.ts');
}

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    // A compiled test whose source is gone (renamed, deleted) is stale output, not a test.
    else if (entry.name.endsWith('.test.js') && fs.existsSync(sourceOf(p))) out.push(p);
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
const totals = { passed: 0, failed: 0, skipped: 0, todo: 0, skippedNames: [] };
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-summary-'));
for (const [i, phase] of phases.entries()) {
  const summaryFile = path.join(summaryDir, `phase-${i}.json`);
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
      '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(root, 'scripts', 'test-summary-reporter.mjs')}`,
      '--test-reporter-destination=/dev/null',
      ...phase.files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, BERTH_TEST_SUMMARY_FILE: summaryFile } },
  );
  if (run.status !== 0) failed = true;
  const lines = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8').split('\n') : [];
  for (const line of lines.filter(Boolean)) {
    const { outcome, name } = JSON.parse(line);
    totals[outcome] += 1;
    if (outcome === 'skipped') totals.skippedNames.push(name);
  }
}
fs.rmSync(summaryDir, { recursive: true, force: true });
console.log(
  `\nberth tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.todo} todo`,
);
for (const name of totals.skippedNames) console.log(`  skipped: ${name}`);
// Under BERTH_E2E=required (CI) nothing may be skipped: a skip there is a prerequisite missing.
if (process.env.BERTH_E2E === 'required' && totals.skipped + totals.todo > 0) {
  console.log('BERTH_E2E=required: skipped tests fail the run');
  failed = true;
}
process.exit(failed ? 1 : 0);
