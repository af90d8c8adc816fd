import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import { createFakeGo, storeWith, tempDir, versionsByPackage } from './test-support.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const isCode = (code: string) => (err: unknown) => err instanceof BerthError && err.code === code;

async function fixture(t: { after(fn: () => Promise<void>): void }) {
  const tmp = await tempDir();
  t.after(tmp.remove);
  const probe = storeWith(
    join(tmp.dir, 'cache'),
    createFakeGo(() => ''),
  );
  const runner = createFakeGo(versionsByPackage(probe));
  const release = probe.resolve('1.34');
  const versionOf = (component: string) =>
    release.components.find((c) => c.name === component)?.version ?? '';
  const official = join(tmp.dir, 'release');
  await mkdir(official);
  return { tmp: tmp.dir, official, runner, versionOf, cacheDir: join(tmp.dir, 'cache') };
}

test('--from-dir imports binaries verified by SHA256SUMS or <binary>.sha256', async (t) => {
  const f = await fixture(t);
  const kwok = `#!official\nversion ${f.versionOf('kwok')}\n`;
  const etcd = `#!official\nversion ${f.versionOf('etcd')}\n`;
  await writeFile(join(f.official, 'kwok'), kwok);
  await writeFile(join(f.official, 'etcd'), etcd);
  await writeFile(join(f.official, 'SHA256SUMS'), `${sha(kwok)}  kwok\n`);
  await writeFile(join(f.official, 'etcd.sha256'), `${sha(etcd)}  etcd\n`);
  const store = storeWith(f.cacheDir, f.runner);
  const result = await store.install('1.34', {
    fromDir: f.official,
    only: ['kwok', 'etcd'],
  });
  assert.deepEqual(
    result.components.map((c) => `${c.component}:${c.status}:${c.installed.map((b) => b.source)}`),
    ['etcd:installed:imported', 'kwok:installed:imported'],
  );
  assert.equal(f.runner.calls.filter((c) => c.command === 'go').length, 0);
  assert.match(await store.path('kwok', '1.34'), /kwok\/v\d+\.\d+\.\d+\/kwok$/);
});

test('--from-dir refuses a binary without a checksum or with a wrong one', async (t) => {
  const f = await fixture(t);
  const etcd = `#!official\nversion ${f.versionOf('etcd')}\n`;
  await writeFile(join(f.official, 'etcd'), etcd);
  const store = storeWith(f.cacheDir, f.runner);
  await assert.rejects(
    store.install('1.34', { fromDir: f.official, only: ['etcd'] }),
    (err: unknown) => isCode('BERTH_ERR_COMPONENT_CORRUPT')(err) && /no checksum/.test(String(err)),
  );
  await writeFile(join(f.official, 'etcd.sha256'), sha('something else'));
  await assert.rejects(
    store.install('1.34', { fromDir: f.official, only: ['etcd'] }),
    (err: unknown) =>
      isCode('BERTH_ERR_COMPONENT_CORRUPT')(err) && /does not match/.test(String(err)),
  );
  assert.deepEqual(await store.listCached(), []);
});

/** A mirror on 127.0.0.1 serving `files` (URL path → body); everything else is 404. */
async function startMirror(
  t: { after(fn: () => Promise<void>): void },
  files: Map<string, string>,
) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror/`, requests };
}

test('a mirror supplies verified downloads; what it lacks is built', async (t) => {
  const f = await fixture(t);
  const v = f.versionOf('etcd');
  const etcd = `#!mirror\nversion ${v}\n`;
  const mirror = await startMirror(
    t,
    new Map([
      [`/mirror/etcd/${v}/etcd`, etcd],
      [`/mirror/etcd/${v}/etcd.sha256`, `${sha(etcd)}  etcd\n`],
    ]),
  );
  const store = storeWith(f.cacheDir, f.runner, { mirrorUrl: mirror.url });
  const result = await store.install('1.34', { only: ['etcd', 'etcdctl'] });
  const sources = Object.fromEntries(
    result.components[0]?.installed.map((b) => [b.name, b.source]) ?? [],
  );
  assert.deepEqual(sources, { etcd: 'downloaded', etcdctl: 'built' });
  assert.ok(mirror.requests.includes(`/mirror/etcd/${v}/etcd.sha256`));
});

test('a mirror binary whose checksum does not match is refused', async (t) => {
  const f = await fixture(t);
  const v = f.versionOf('kwok');
  const mirror = await startMirror(
    t,
    new Map([
      [`/mirror/kwok/${v}/kwok`, `#!mirror\nversion ${v}\n`],
      [`/mirror/kwok/${v}/kwok.sha256`, sha('a different file')],
    ]),
  );
  const store = storeWith(f.cacheDir, f.runner, { mirrorUrl: mirror.url });
  await assert.rejects(
    store.install('1.34', { only: ['kwok'] }),
    (err: unknown) =>
      isCode('BERTH_ERR_COMPONENT_CORRUPT')(err) &&
      /does not match the published/.test(String(err)),
  );
  await assert.rejects(store.path('kwok', '1.34'), isCode('BERTH_ERR_COMPONENT_MISSING'));
  assert.equal(
    f.runner.calls.filter((c) => c.command === 'go').length,
    0,
    'a refusal is not a fallback',
  );
});

test('a mirror binary without a checksum is refused', async (t) => {
  const f = await fixture(t);
  const v = f.versionOf('kwok');
  const mirror = await startMirror(t, new Map([[`/mirror/kwok/${v}/kwok`, `version ${v}`]]));
  const store = storeWith(f.cacheDir, f.runner, { mirrorUrl: mirror.url });
  await assert.rejects(
    store.install('1.34', { only: ['kwok'] }),
    /checksum .*kwok\.sha256 answered HTTP 404/,
  );
});
