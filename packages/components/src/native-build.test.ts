import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import { FakeRunner } from '@berth/exec';
import { debExtract, gccBuild } from './native-build.js';
import { FAKE_MODULE_DIR, createFakeGo, tempDir } from './test-support.js';
import {
  componentOfBinary,
  defaultComponentsDir,
  loadVersionsManifest,
  resolveRelease,
} from './versions.js';

const date = new Date('2026-03-04T05:06:07.890Z');
const release = (minor = '1.34') =>
  resolveRelease(loadVersionsManifest(defaultComponentsDir()), minor);
const isBuildError = (pattern: RegExp) => (err: unknown) =>
  err instanceof BerthError &&
  err.code === 'BERTH_ERR_COMPONENT_BUILD' &&
  pattern.test(err.message);

async function scratch(t: { after(fn: () => Promise<void>): void }) {
  const tmp = await tempDir();
  t.after(tmp.remove);
  return tmp.dir;
}

test("pause: the source comes from the release's own k8s.io/kubernetes module", async (t) => {
  const dir = await scratch(t);
  for (const minor of ['1.37', '1.34']) {
    const pause = componentOfBinary(release(minor), 'pause');
    const runner = createFakeGo(() => pause.version);
    const outFile = join(dir, `pause-${minor}`);
    await gccBuild({
      runner,
      goBinary: 'go',
      componentsDir: defaultComponentsDir(),
      component: pause,
      binary: 'pause',
      outFile,
      workDir: join(dir, 'work'),
      buildDate: date,
    });
    const [download, gcc] = runner.calls;
    assert.deepEqual(
      [download?.command, ...(download?.args ?? [])],
      ['go', 'mod', 'download', '-json', 'k8s.io/kubernetes'],
    );
    assert.match(download?.options.cwd ?? '', new RegExp(`components/kubernetes-${minor}$`));
    assert.equal(gcc?.command, 'gcc');
    assert.equal(gcc?.args.at(-1), `${FAKE_MODULE_DIR}/build/pause/linux/pause.c`);
    assert.ok(gcc?.args.includes(`-DVERSION=${pause.version}`));
    assert.match(await readFile(outFile, 'utf8'), new RegExp(pause.version));
  }
});

test('pause: a module that cannot be fetched or a failing gcc is a build error with a fix', async (t) => {
  const dir = await scratch(t);
  const pause = componentOfBinary(release(), 'pause');
  const input = {
    goBinary: 'go',
    componentsDir: defaultComponentsDir(),
    component: pause,
    binary: 'pause',
    outFile: join(dir, 'pause'),
    workDir: join(dir, 'work'),
    buildDate: date,
  };
  const offline = new FakeRunner(() => ({ exitCode: 1, stderr: 'dial tcp: no route to host' }));
  await assert.rejects(
    gccBuild({ ...input, runner: offline }),
    isBuildError(/go mod download k8s.io\/kubernetes.*\n.*no route to host[\s\S]*berth doctor/),
  );
  const noCompiler = new FakeRunner((call) =>
    call.command === 'gcc'
      ? { exitCode: 127, stderr: 'gcc: command not found' }
      : { stdout: JSON.stringify({ Dir: '/m' }) },
  );
  await assert.rejects(
    gccBuild({ ...input, runner: noCompiler }),
    isBuildError(/gcc for pause.*exit 127[\s\S]*libc6-dev/),
  );
});

test('busybox: apt-get download into a scratch dir, dpkg-deb -x, copy bin/busybox', async (t) => {
  const dir = await scratch(t);
  const busybox = componentOfBinary(release(), 'busybox');
  const runner = createFakeGo(() => busybox.version);
  const workDir = join(dir, 'work');
  await debExtract({
    runner,
    goBinary: 'go',
    componentsDir: defaultComponentsDir(),
    component: busybox,
    binary: 'busybox',
    outFile: join(dir, 'busybox'),
    workDir,
    buildDate: date,
  });
  assert.deepEqual(runner.lines(), [
    'apt-get download busybox-static',
    `dpkg-deb -x ${workDir}/busybox-static_1.0-1_amd64.deb ${workDir}/root`,
  ]);
  assert.equal(runner.calls[0]?.options.cwd, workDir);
  assert.match(await readFile(join(dir, 'busybox'), 'utf8'), /version 1\.35\.0/);
});

test('busybox: without package lists the fix is apt-get update', async (t) => {
  const dir = await scratch(t);
  const busybox = componentOfBinary(release(), 'busybox');
  const runner = new FakeRunner(() => ({
    exitCode: 100,
    stderr: 'E: Unable to locate package busybox-static',
  }));
  await assert.rejects(
    debExtract({
      runner,
      goBinary: 'go',
      componentsDir: defaultComponentsDir(),
      component: busybox,
      binary: 'busybox',
      outFile: join(dir, 'busybox'),
      workDir: join(dir, 'work'),
      buildDate: date,
    }),
    isBuildError(/Unable to locate package[\s\S]*apt-get update/),
  );
});
