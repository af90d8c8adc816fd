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

async function realDoctor(netnsName: string) {
  const runner = new ProcessRunner();
  const componentsDir = defaultComponentsDir();
  const store = createComponentStore({
    cacheDir: cacheDirFromEnv(process.env),
    componentsDir,
    runner,
  });
  const checks = await runDoctor({ runner, store, componentsDir, hostDepsScript: 'x', netnsName });
  return { store, byName: new Map(checks.map((c) => [c.name, c])), checks };
}

function namespaces(): string {
  return commandExists('ip') ? execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }) : '';
}

test('the real doctor reports this host truthfully and leaves no namespace behind', async () => {
  const netnsName = `berth-doctor-int-${process.pid}`;
  const { store, byName, checks } = await realDoctor(netnsName);
  assert.equal(byName.get('linux')?.ok, process.platform === 'linux');
  assert.equal(byName.get('root')?.ok, process.getuid?.() === 0);
  for (const tool of ['ip', 'nft', 'haproxy', 'keepalived']) {
    assert.equal(byName.get(tool)?.ok, commandExists(tool), `${tool}: ${byName.get(tool)?.detail}`);
  }
  const status = await store.status(store.versions.defaultRelease);
  // Addons' binaries (onlyWhenNamed) are built on demand: the doctor does not miss them.
  const onDemand = (component: string) =>
    store.versions.components[component]?.onlyWhenNamed === true;
  const buildable = status
    .filter((s) => !s.notBuildable && !onDemand(s.component))
    .flatMap((s) => s.binaries);
  const node = store.versions.sets?.node ?? [];
  const allOk = (names: (name: string) => boolean) =>
    buildable.filter((b) => names(b.name)).every((b) => b.state === 'ok');
  assert.equal(
    byName.get('components')?.ok,
    allOk((name) => !node.includes(name)),
  );
  assert.equal(
    byName.get('node-components')?.ok,
    allOk((name) => node.includes(name)),
  );
  for (const c of checks.filter((x) => !x.ok)) assert.ok(c.fix, `${c.name} names its fix`);
  assert.ok(!namespaces().includes(netnsName), 'throwaway namespaces deleted');
});

test(
  'as root on this host, what a real node needs is here',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async () => {
    const netnsName = `berth-doctor-int-node-${process.pid}`;
    const { byName } = await realDoctor(netnsName);
    for (const name of ['mount-namespace', 'cgroups', 'loop-devices', 'nftables-kernel']) {
      const check = byName.get(name);
      assert.equal(check?.ok, true, `${name}: ${check?.detail} (fix: ${check?.fix})`);
    }
    assert.equal(commandExists('losetup') && commandExists('mkfs.ext4'), true);
    assert.ok(!namespaces().includes(netnsName), 'the nft probe namespace is deleted');
  },
);
