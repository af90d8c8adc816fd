#!/usr/bin/env node
// terraform-provider-berth's tests, as scripts/run-tests.mjs runs them: beside the end-to-end
// files, at a lower CPU priority (nice), its output to stdout and its totals to the JSON file
// BERTH_GO_SUMMARY_FILE names.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const goModule = 'terraform-provider-berth';
const totals = { passed: 0, failed: 0, skipped: 0, todo: 0, skippedNames: [] };
const ok = runTerraformProviderTests();
if (process.env.BERTH_GO_SUMMARY_FILE)
  fs.writeFileSync(process.env.BERTH_GO_SUMMARY_FILE, JSON.stringify(totals));
process.exit(ok ? 0 : 1);

/**
 * terraform-provider-berth: gofmt, go vet, `go build .`, then its unit and acceptance tests —
 * once with OpenTofu (everything) and once with Terraform (the acceptance tests) — each run
 * against a `berth server --provider memory` its harness starts from packages/cli/dist/main.js.
 * The CLIs come from the component cache (`berth components install tools`, run by
 * scripts/test). Without them the acceptance tests are skipped, except under CI=true or
 * BERTH_E2E=required, where that fails the run. Go's top-level results join the totals.
 */
function runTerraformProviderTests() {
  const dir = path.join(root, goModule);
  const required = process.env.CI === 'true' || process.env.BERTH_E2E === 'required';
  const env = {
    ...process.env,
    GOTOOLCHAIN: 'local',
    CHECKPOINT_DISABLE: '1',
    BERTH_NODE: process.execPath,
  };
  const go = (args, extraEnv = {}) => {
    console.log(`\n==> ${goModule}: go ${args.join(' ')}`);
    const r = spawnSync('go', args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      env: { ...env, ...extraEnv },
    });
    process.stdout.write(r.stdout ?? '');
    // `go test -v` reports each top-level test on a line of its own: "--- PASS: TestX (1.2s)".
    for (const [, outcome, name] of (r.stdout ?? '').matchAll(/^--- (PASS|FAIL|SKIP): (\S+)/gm)) {
      const key = { PASS: 'passed', FAIL: 'failed', SKIP: 'skipped' }[outcome];
      totals[key] += 1;
      if (key === 'skipped') totals.skippedNames.push(`${goModule}: ${name}`);
    }
    return r.status === 0;
  };
  const unformatted = spawnSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' });
  if (unformatted.status !== 0 || unformatted.stdout.trim() !== '') {
    console.error(
      `${goModule}: gofmt -l reports:\n${unformatted.stdout}${unformatted.stderr ?? ''}`,
    );
    return false;
  }
  if (!go(['vet', './...']) || !go(['build', '-o', os.devNull, '.'])) return false;
  const toolPath = (binary) => {
    const cli = path.join(root, 'packages/cli/dist/main.js');
    const r = spawnSync(process.execPath, [cli, 'components', 'path', binary], {
      encoding: 'utf8',
    });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const tofu = toolPath('tofu');
  const terraform = toolPath('terraform');
  const test = ['test', '-v', '-count=1', '-timeout', '40m'];
  if (tofu === undefined || terraform === undefined) {
    const missing = [tofu ? '' : 'tofu', terraform ? '' : 'terraform']
      .filter(Boolean)
      .join(' and ');
    const message = `${goModule}: ${missing} not installed (bin/berth components install tools)`;
    if (required) {
      console.error(
        `${message}: the acceptance tests must run under CI=true or BERTH_E2E=required`,
      );
      return false;
    }
    console.log(`${message}: acceptance tests skipped`);
    return go([...test, './...']);
  }
  const withTofu = go([...test, './...'], { TF_ACC: '1', TF_ACC_TERRAFORM_PATH: tofu });
  const acceptance = ['-run', '^TestAcc', './internal/provider/'];
  const withTerraform = go([...test, ...acceptance], {
    TF_ACC: '1',
    TF_ACC_TERRAFORM_PATH: terraform,
  });
  return withTofu && withTerraform;
}
