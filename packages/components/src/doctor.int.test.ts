/**
 * The real doctor on this host, cross-checked against independent probes: a check may pass or
 * fail depending on what is installed, but it must tell the truth either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ProcessRunner } from '@berth/exec';
import { cacheDirFromEnv } from './env.js';
import { runDoctor } from './doctor.js';
import { createComponentStore } from './store.js';
import { defaultComponentsDir } from './versions.js';

function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('the real doctor reports this host truthfully and leaves no namespace behind', async () => {
  const runner = new ProcessRunner();
  const componentsDir = defaultComponentsDir();
  const store = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir,
    runner,
  });
  const netnsName = `berth-doctor-int-${process.pid}`;
  const checks = await runDoctor({ runner, store, componentsDir, hostDepsScript: 'x', netnsName });
  const byName = new Map(checks.map((c) => [c.name, c]));
  assert.equal(byName.get('linux')?.ok, process.platform === 'linux');
  assert.equal(byName.get('root')?.ok, process.getuid?.() === 0);
  for (const tool of ['ip', 'nft', 'haproxy', 'keepalived']) {
    assert.equal(byName.get(tool)?.ok, commandExists(tool), `${tool}: ${byName.get(tool)?.detail}`);
  }
  const status = await store.status(store.versions.defaultRelease);
  const allBuilt = status
    .filter((s) => !s.notBuildable)
    .every((s) => s.binaries.every((b) => b.state === 'ok'));
  assert.equal(byName.get('components')?.ok, allBuilt);
  for (const c of checks.filter((x) => !x.ok)) assert.ok(c.fix, `${c.name} names its fix`);
  if (commandExists('ip')) {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    assert.ok(!namespaces.includes(netnsName), 'throwaway namespace deleted');
  }
});
