#!/usr/bin/env node
// Builds every package, then runs every compiled test file with node:test and, beside the
// end-to-end files, terraform-provider-berth's Go tests (scripts/run-go-tests.mjs).
// Usage: node scripts/run-tests.mjs [substring-filter ...]
// Unit tests live beside the code (src/**/*.test.ts); integration and e2e suites live in their
// packages too and name themselves *.int.test.ts / *.e2e.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const filters = process.argv.slice(2);

const build = spawnSync('npx', ['tsc', '--build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** The sources a compiled test may come from: `.ts`, or `.tsx` (the console's component tests). */
function sourcesOf(compiled) {
  const base = compiled
    .replace(`${path.sep}dist${path.sep}`, `${path.sep}src${path.sep}`)
    .replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`];
}

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    // A compiled test whose source is gone (renamed, deleted) is stale output, not a test.
    else if (entry.name.endsWith('.test.js') && sourcesOf(p).some((f) => fs.existsSync(f)))
      out.push(p);
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
// A filter naming "terraform" selects the Go phase too (e.g. `run-tests.mjs terraform`).
const runGo = filters.length === 0 || filters.some((x) => x.includes('terraform'));
if (files.length === 0 && !runGo) {
  console.error('no test files matched');
  process.exit(1);
}
// Unit and integration files run two at a time; end-to-end files (real namespaces, HAProxy,
// keepalived, Kubernetes components) run one at a time, because on two cores a second heavy
// suite starves their timing (VRRP adverts, node heartbeats) and makes them flaky.
const concurrency = process.env.BERTH_TEST_CONCURRENCY ?? '2';
const isE2e = (f) => f.endsWith('.e2e.test.js');
// The Go phase (terraform-provider-berth: its acceptance tests drive tofu and terraform against
// a memory-provider server, mostly waiting) starts after the integration files and runs beside
// the end-to-end files, niced so it never takes CPU they need; its output follows theirs.
const GO_PHASE = Symbol('go');
const phases = [
  { files: files.filter((f) => !isE2e(f)), concurrency },
  { files: runGo ? GO_PHASE : [] },
  { files: files.filter(isE2e), concurrency: process.env.BERTH_E2E_CONCURRENCY ?? '1' },
].filter((p) => p.files === GO_PHASE || p.files.length > 0);
/** Generous: a cold component build inside an e2e test takes minutes. */
const TEST_TIMEOUT_MS = 20 * 60_000;
let failed = false;
const totals = { passed: 0, failed: 0, skipped: 0, todo: 0, skippedNames: [] };
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-summary-'));
let goPhase;
for (const [i, phase] of phases.entries()) {
  if (phase.files === GO_PHASE) {
    goPhase = startGoPhase(summaryDir);
    continue;
  }
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
      // A file, not /dev/null: Node 26 fsyncs reporter destinations, and fsync on /dev/null
      // fails with EINVAL, crashing the runner after the last test (exit 1 on a green run).
      `--test-reporter-destination=${path.join(summaryDir, `phase-${i}.out`)}`,
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
if (goPhase !== undefined) {
  const { ok, log, summary } = await goPhase;
  process.stdout.write(fs.readFileSync(log, 'utf8'));
  if (!ok) failed = true;
  if (fs.existsSync(summary)) {
    const go = JSON.parse(fs.readFileSync(summary, 'utf8'));
    for (const key of ['passed', 'failed', 'skipped', 'todo']) totals[key] += go[key];
    totals.skippedNames.push(...go.skippedNames);
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

/** Starts scripts/run-go-tests.mjs at low priority; resolves with its outcome when it exits. */
function startGoPhase(dir) {
  const log = path.join(dir, 'go.log');
  const summary = path.join(dir, 'go.json');
  const out = fs.openSync(log, 'w');
  const child = spawn(
    'nice',
    ['-n', '15', process.execPath, path.join(root, 'scripts', 'run-go-tests.mjs')],
    {
      cwd: root,
      stdio: ['ignore', out, out],
      env: { ...process.env, BERTH_GO_SUMMARY_FILE: summary },
    },
  );
  fs.closeSync(out);
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ ok: code === 0, log, summary })),
  );
}
