import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findChecksumInDir, parseSha256File, parseSha256Sums } from './checksums.js';
import { tempDir } from './test-support.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

test('SHA256SUMS lines in text and binary mode, paths reduced to names', () => {
  const sums = parseSha256Sums(`${A}  kube-apiserver\n${B} *bin/etcd\nnot a line\n`);
  assert.equal(sums.get('kube-apiserver'), A);
  assert.equal(sums.get('etcd'), B.toLowerCase());
  assert.equal(sums.size, 2);
});

test('.sha256 files hold the digest alone or followed by a name', () => {
  assert.equal(parseSha256File(`${A}\n`), A);
  assert.equal(parseSha256File(`${A}  kubectl`), A);
  assert.equal(parseSha256File('deadbeef'), undefined);
});

test('a per-binary .sha256 wins over SHA256SUMS; absent means undefined', async (t) => {
  const tmp = await tempDir();
  t.after(tmp.remove);
  await writeFile(join(tmp.dir, 'SHA256SUMS'), `${B}  etcd\n${B}  kwok\n`);
  await writeFile(join(tmp.dir, 'etcd.sha256'), A);
  assert.equal(await findChecksumInDir(tmp.dir, 'etcd'), A);
  assert.equal(await findChecksumInDir(tmp.dir, 'kwok'), B.toLowerCase());
  assert.equal(await findChecksumInDir(tmp.dir, 'etcdctl'), undefined);
});
