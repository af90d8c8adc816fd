import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createComponentStore, defaultComponentsDir, type InstallEvent } from '@berth/components';
import { FakeRunner } from '@berth/exec';
import { createProgressPrinter, registerComponents } from './components.js';
import { renderDoctor } from './doctor.js';

function output(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    out: { isTTY, write: (s: string) => chunks.push(s) },
    text: () => chunks.join(''),
  };
}

/** A fake `go` that writes a file printing the version found in the -ldflags or the module. */
function fakeGoRunner() {
  return new FakeRunner(async (call) => {
    if (call.command === 'go') {
      const out = call.args[call.args.indexOf('-o') + 1] as string;
      const module = call.options.cwd ?? '';
      const version = /kubernetes/.test(module)
        ? 'v1.37.2'
        : /etcd/.test(module)
          ? '3.7.4'
          : '0.8.0';
      await writeFile(out, `fake ${version}\n`);
      return {};
    }
    return { stdout: await readFile(call.command, 'utf8') };
  });
}

test('install prints plain progress lines without a terminal, then list and path', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'berth-cli-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));
  const store = createComponentStore({
    cacheDir,
    componentsDir: defaultComponentsDir(),
    runner: fakeGoRunner(),
  });
  const io = output(false);
  const program = new Command().exitOverride();
  registerComponents(program, { store: () => store, out: io.out });
  await program.parseAsync([
    'node',
    'berth',
    'components',
    'install',
    '1.37',
    '--only',
    'etcd,kube-apiserver',
  ]);
  const text = io.text();
  assert.match(text, /kubernetes v1\.37\.2: building kube-apiserver\n/);
  assert.match(text, /etcd v3\.7\.4: etcd built in \d+s/);
  assert.match(text, /Kubernetes v1\.37\.2: 2 binaries installed/);
  assert.doesNotMatch(text, /\r/, 'no terminal control characters in a log');

  io.chunks.length = 0;
  await program.parseAsync(['node', 'berth', 'components', 'list']);
  assert.match(io.text(), /Supported versions: 1\.37 \(v1\.37\.2, default\), 1\.36 \(v1\.36\.3\)/);
  assert.match(io.text(), /1\.37\s+etcd\s+v3\.7\.4\s+etcd\s+\S+ B\s+built\s+ok/);
  assert.match(io.text(), /1\.36,1\.35,1\.34\s+etcd\s+v3\.6\.16\s+etcd\s+-\s+-\s+missing/);
  assert.match(
    io.text(),
    /cluster-autoscaler\s+v0\.0\.0-20250613073258-1959f5f61f6c\s+cluster-autoscaler\s+-\s+-\s+missing\n/,
  );

  io.chunks.length = 0;
  await program.parseAsync(['node', 'berth', 'components', 'path', 'etcd']);
  assert.equal(io.text(), `${join(cacheDir, 'components', 'etcd', 'v3.7.4', 'etcd')}\n`);
});

test('on a terminal the build ticks on one line; in a log every 30 s', () => {
  const tick = (s: number): InstallEvent => ({
    type: 'binary-tick',
    component: 'kubernetes',
    version: 'v1.34.10',
    binary: 'kube-apiserver',
    source: 'built',
    elapsedSeconds: s,
  });
  const tty = output(true);
  const onTty = createProgressPrinter(tty.out);
  onTty.onEvent(tick(1));
  onTty.onEvent(tick(2));
  onTty.onEvent({ type: 'cached', component: 'etcd', version: 'v3.6.16' });
  assert.deepEqual(tty.chunks, [
    '\r\x1b[K  kube-apiserver (kubernetes v1.34.10): building … 1s',
    '\r\x1b[K  kube-apiserver (kubernetes v1.34.10): building … 2s',
    '\r\x1b[K',
    'etcd v3.6.16: cached and verified\n',
  ]);
  const log = output(false);
  const inLog = createProgressPrinter(log.out);
  for (let s = 1; s <= 61; s++) inLog.onEvent(tick(s));
  assert.deepEqual(log.chunks, [
    '  kube-apiserver (kubernetes v1.34.10): building … 30s\n',
    '  kube-apiserver (kubernetes v1.34.10): building … 60s\n',
  ]);
});

test('doctor report marks misses with their fix and counts required failures', () => {
  const text = renderDoctor([
    { name: 'root', ok: true, required: true, detail: 'running as root' },
    {
      name: 'haproxy',
      ok: false,
      required: true,
      detail: 'haproxy not usable',
      fix: 'scripts/install-host-deps',
    },
    { name: 'go', ok: false, required: false, detail: 'go not found', fix: 'install Go' },
  ]);
  assert.equal(
    text,
    '✓ root     running as root\n' +
      '✗ haproxy  haproxy not usable\n' +
      '           fix: scripts/install-host-deps\n' +
      '! go       go not found\n' +
      '           fix: install Go\n' +
      '\n1 required check(s) failed.\n',
  );
});
