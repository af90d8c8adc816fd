import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '@berth/test-kit';
import { buildImage, type OciImage } from './image.js';
import { ociArchive, ociLayout } from './layout.js';
import { corednsImage, fioImage, pauseImage, toolboxImage } from './platform-images.js';
import { tarArchive } from './tar.js';

const testdata = fileURLToPath(new URL('../src/testdata/', import.meta.url));
const fakeBinary = (name: string) => Buffer.from(`#!fake ${name} binary\n`);
const APPLETS = ['bin/sh', 'bin/ls', 'bin/cat', 'usr/bin/nc', 'usr/bin/nslookup', 'bin/busybox'];

/** What a golden file records: the exact manifest and config bytes, and the layer's listing. */
function describe(image: OciImage): string {
  return [
    `manifest ${image.manifest.digest} ${image.manifest.size}`,
    image.manifest.bytes.toString('utf8'),
    `config ${image.config.digest} ${image.config.size}`,
    image.config.bytes.toString('utf8'),
    ...image.layers.map((l) => `layer ${l.digest} ${l.size}`),
    '',
  ].join('\n');
}

test('platform images are reproducible: golden manifests and configs', () => {
  const pause = pauseImage({ binary: fakeBinary('pause'), version: 'v3.10.1' });
  const coredns = corednsImage({ binary: fakeBinary('coredns'), version: 'v1.14.7' });
  const toolbox = toolboxImage({
    busybox: fakeBinary('busybox'),
    busyboxVersion: '1.35.0',
    applets: APPLETS,
    berthVersion: '0.1.0',
  });
  assert.deepEqual(toolbox.tags, ['latest', '0.1.0']);
  const fio = fioImage({
    fio: fakeBinary('fio'),
    version: '3.33',
    libraries: [
      { path: '/usr/lib/x86_64-linux-gnu/ceph/libceph-common.so.2', content: fakeBinary('ceph') },
      { path: '/lib64/ld-linux-x86-64.so.2', content: fakeBinary('ld.so'), mode: 0o755 },
      { path: '/lib/x86_64-linux-gnu/libc.so.6', content: fakeBinary('libc'), mode: 0o644 },
    ],
    busybox: fakeBinary('busybox'),
    busyboxVersion: '1.35.0',
    applets: APPLETS,
  });
  assert.deepEqual([fio.repository, fio.tags], ['berth/fio', ['3.33', 'latest']]);
  for (const [name, image] of [
    ['pause', pause],
    ['coredns', coredns],
    ['toolbox', toolbox],
    ['fio', fio],
  ] as const) {
    const built = buildImage(image.spec);
    assert.deepEqual(buildImage(image.spec), built, `${name} builds the same bytes twice`);
    assertGolden(testdata, `${name}-image`, describe(built));
  }
});

test('the layer is a tar that GNU tar reads: modes, symlinks, parents before children', (t) => {
  const tarBin = spawnSync('tar', ['--version']);
  if (tarBin.status !== 0) return t.skip('no tar');
  const toolbox = toolboxImage({
    busybox: fakeBinary('busybox'),
    busyboxVersion: '1.35.0',
    applets: APPLETS,
    berthVersion: '0.1.0',
  });
  const layer = buildImage(toolbox.spec).layers[0]!;
  const listing = spawnSync('tar', ['-tvf', '-', '--numeric-owner'], { input: layer.bytes });
  assert.equal(listing.status, 0, listing.stderr.toString());
  const lines = listing.stdout.toString().trim().split('\n');
  const names = lines.map((l) => l.split(/\s+/).slice(5).join(' '));
  assert.deepEqual(names, [
    'bin/',
    'bin/busybox',
    'bin/cat -> /bin/busybox',
    'bin/ls -> /bin/busybox',
    'bin/sh -> /bin/busybox',
    'etc/',
    'etc/group',
    'etc/passwd',
    'root/',
    'tmp/',
    'usr/',
    'usr/bin/',
    'usr/bin/nc -> /bin/busybox',
    'usr/bin/nslookup -> /bin/busybox',
  ]);
  assert.match(lines[1]!, /^-rwxr-xr-x 0\/0 +\d+ 1970-01-01 00:00 bin\/busybox$/);
  assert.match(
    lines.find((l) => l.endsWith('tmp/'))!,
    /^drwxrwxrwt 0\/0/,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.equal(spawnSync('tar', ['-xf', '-', '-C', dir], { input: layer.bytes }).status, 0);
  assert.equal(fs.readlinkSync(path.join(dir, 'usr/bin/nc')), '/bin/busybox');
  assert.equal(fs.readFileSync(path.join(dir, 'bin/busybox'), 'utf8'), '#!fake busybox binary\n');
});

test('the fio image holds fio, its loader and libraries where the loader looks, and busybox', () => {
  const fio = fioImage({
    fio: fakeBinary('fio'),
    version: '3.33',
    libraries: [
      { path: '/lib64/ld-linux-x86-64.so.2', content: fakeBinary('ld.so'), mode: 0o755 },
      { path: '/lib/x86_64-linux-gnu/libc.so.6', content: fakeBinary('libc'), mode: 0o644 },
    ],
    busybox: fakeBinary('busybox'),
    busyboxVersion: '1.35.0',
    applets: APPLETS,
  });
  const listing = spawnSync('tar', ['-tvf', '-', '--numeric-owner'], {
    input: buildImage(fio.spec).layers[0]!.bytes,
  });
  if (listing.status !== 0) return;
  const entry = (name: string) =>
    listing.stdout
      .toString()
      .split('\n')
      .find((l) => l.endsWith(` ${name}`))
      ?.split(/\s+/)[0];
  assert.equal(entry('usr/bin/fio'), '-rwxr-xr-x');
  assert.equal(entry('lib64/ld-linux-x86-64.so.2'), '-rwxr-xr-x');
  assert.equal(entry('lib/x86_64-linux-gnu/libc.so.6'), '-rw-r--r--');
  assert.equal(entry('bin/sh -> /bin/busybox'), 'lrwxrwxrwx');
  assert.equal(entry('tmp/'), 'drwxrwxrwt');
});

test('long paths use the ustar prefix; climbing and duplicate paths are refused', () => {
  const deep = `/${'d'.repeat(60)}/${'e'.repeat(60)}/file`;
  const image = buildImage({ files: [{ path: deep, content: Buffer.from('x') }] });
  const listing = spawnSync('tar', ['-tf', '-'], { input: image.layers[0]!.bytes });
  if (listing.status === 0) assert.ok(listing.stdout.toString().includes(deep.slice(1)));
  assert.throws(() => buildImage({ files: [{ path: '/a/../b', content: Buffer.from('') }] }), {
    code: 'BERTH_ERR_VALIDATION',
  });
  assert.throws(() => buildImage({ files: [{ path: 'rel', content: Buffer.from('') }] }), {
    code: 'BERTH_ERR_VALIDATION',
  });
  assert.throws(
    () =>
      buildImage({
        files: [{ path: '/a', content: Buffer.from('') }],
        symlinks: [{ path: '/a', target: '/b' }],
      }),
    { code: 'BERTH_ERR_VALIDATION' },
  );
  assert.throws(
    () =>
      buildImage({
        files: [
          { path: '/a', content: Buffer.from('') },
          { path: '/a/b', content: Buffer.from('') },
        ],
      }),
    { code: 'BERTH_ERR_VALIDATION' },
  );
});

test('tar blocks are 512 bytes with a valid checksum and an end of two zero blocks', () => {
  const archive = tarArchive([
    { type: 'file', path: 'f', mode: 0o644, content: Buffer.from('hello') },
  ]);
  assert.equal(archive.length, 512 * 4);
  const header = archive.subarray(0, 512);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  assert.equal(parseInt(header.subarray(148, 154).toString('ascii'), 8), sum);
  assert.ok(archive.subarray(1024).every((b) => b === 0));
});

test('the OCI layout names the image for containerd and holds every blob', () => {
  const image = buildImage(pauseImage({ binary: fakeBinary('pause'), version: 'v3.10.1' }).spec);
  const files = ociLayout(image, '198.18.0.1:5000/berth/pause:v3.10.1');
  assert.deepEqual(files.map((f) => f.path).slice(0, 2), ['oci-layout', 'index.json']);
  const index = JSON.parse(files[1]!.bytes.toString('utf8'));
  assert.equal(index.manifests[0].digest, image.manifest.digest);
  assert.equal(
    index.manifests[0].annotations['io.containerd.image.name'],
    '198.18.0.1:5000/berth/pause:v3.10.1',
  );
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'v3.10.1');
  assert.equal(files.length, 5);
  const archive = ociArchive(image, '198.18.0.1:5000/berth/pause:v3.10.1');
  const listing = spawnSync('tar', ['-tf', '-'], { input: archive });
  if (listing.status === 0)
    assert.match(listing.stdout.toString(), /^blobs\/\nblobs\/sha256\/\noci-layout\nindex.json\n/);
});
