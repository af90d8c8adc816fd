import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '@berth/errors';
import { loadSecretKey, secretKeyFile } from './secret-key.js';
import { FileSecretStore, SealedSecretStore } from './secret-store.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const SECRET = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n';

test('secrets round-trip, are encrypted at rest in a 0600 file, and can be forgotten', async (t) => {
  const dir = await tempDir(t);
  const store = new FileSecretStore({ dir, key: randomBytes(32) });
  assert.equal(await store.get('c1', 'ca'), undefined);
  await store.put('c1', 'ca', SECRET);
  await store.put('c1', 'admin', 'two');
  assert.equal(await store.get('c1', 'ca'), SECRET);
  const file = join(dir, 'c1.secrets');
  const onDisk = await readFile(file, 'utf8');
  assert.ok(
    !onDisk.includes('PRIVATE KEY') && !onDisk.includes('c2VjcmV0'),
    'no plaintext on disk',
  );
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  await store.delete('c1', 'admin');
  assert.equal(await store.get('c1', 'admin'), undefined);
  assert.equal(await store.get('c1', 'ca'), SECRET);
  await store.deleteCluster('c1');
  await assert.rejects(stat(file), { code: 'ENOENT' });
});

test('a wrong key fails clearly, without leaking the secret', async (t) => {
  const dir = await tempDir(t);
  await new FileSecretStore({ dir, key: randomBytes(32) }).put('c1', 'ca', SECRET);
  const other = new FileSecretStore({ dir, key: randomBytes(32) });
  await assert.rejects(other.get('c1', 'ca'), (err: unknown) => {
    assert.ok(err instanceof BerthError);
    assert.equal(err.code, 'BERTH_ERR_SECRET_UNREADABLE');
    assert.match(err.message, /cluster c1 cannot be decrypted: the secret key is not the one/);
    assert.ok(!err.message.includes('PRIVATE KEY'));
    return true;
  });
});

test("a cluster's file copied onto another cluster's name does not open", async (t) => {
  const dir = await tempDir(t);
  const key = randomBytes(32);
  const store = new FileSecretStore({ dir, key });
  await store.put('c1', 'ca', SECRET);
  await copyFile(join(dir, 'c1.secrets'), join(dir, 'c2.secrets'));
  await assert.rejects(store.get('c2', 'ca'), { code: 'BERTH_ERR_SECRET_UNREADABLE' });
});

test('concurrent writes to one cluster all land', async (t) => {
  const dir = await tempDir(t);
  const store = new FileSecretStore({ dir, key: randomBytes(32) });
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.put('c1', `k${i}`, `v${i}`)));
  for (let i = 0; i < 20; i++) assert.equal(await store.get('c1', `k${i}`), `v${i}`);
});

test('the key comes from BERTH_SECRET_KEY, else a generated 0600 key file that is reused', async (t) => {
  const dir = await tempDir(t);
  const fromEnv = randomBytes(32);
  assert.deepEqual(
    await loadSecretKey({ dataDir: dir, env: { BERTH_SECRET_KEY: fromEnv.toString('base64') } }),
    fromEnv,
  );
  await assert.rejects(
    loadSecretKey({ dataDir: dir, env: { BERTH_SECRET_KEY: 'c2hvcnQ=' } }),
    (err: unknown) => err instanceof BerthError && /32 random bytes in base64/.test(err.message),
  );
  const generated = await loadSecretKey({ dataDir: dir, env: {} });
  assert.equal(generated.length, 32);
  assert.equal((await stat(secretKeyFile(dir))).mode & 0o777, 0o600);
  assert.deepEqual(await loadSecretKey({ dataDir: dir, env: {} }), generated);
  await writeFile(secretKeyFile(dir), 'not a key\n');
  await assert.rejects(loadSecretKey({ dataDir: dir, env: {} }), { code: 'BERTH_ERR_VALIDATION' });
});

test('a key file left empty by a crash is replaced; concurrent first starts agree on one key', async (t) => {
  const dir = await tempDir(t);
  await writeFile(secretKeyFile(dir), '');
  const fresh = await loadSecretKey({ dataDir: dir, env: {} });
  assert.equal(fresh.length, 32);
  assert.deepEqual(await loadSecretKey({ dataDir: dir, env: {} }), fresh);

  const other = await tempDir(t);
  const keys = await Promise.all(
    Array.from({ length: 8 }, () => loadSecretKey({ dataDir: other, env: {} })),
  );
  for (const k of keys) assert.deepEqual(k, keys[0]);
  assert.deepEqual(await readdir(other), ['secret.key'], 'no temporary file is left');
});

test('SealedSecretStore keeps only ciphertext in its backend, bound to cluster and name', async () => {
  const rows = new Map<string, string>();
  const backend = {
    get: async (c: string, n: string) => rows.get(`${c}/${n}`),
    put: async (c: string, n: string, v: string) => void rows.set(`${c}/${n}`, v),
    delete: async (c: string, n: string) => void rows.delete(`${c}/${n}`),
    deleteCluster: async (c: string) => {
      for (const k of [...rows.keys()]) if (k.startsWith(`${c}/`)) rows.delete(k);
    },
  };
  const key = randomBytes(32);
  const store = new SealedSecretStore({ backend, key });
  await store.put('c1', 'ca.key', 'PRIVATE KEY PEM');
  assert.equal(await store.get('c1', 'ca.key'), 'PRIVATE KEY PEM');
  assert.ok(![...rows.values()].some((v) => v.includes('PRIVATE')), 'no plaintext in the backend');
  rows.set('c1/other', rows.get('c1/ca.key')!);
  await assert.rejects(store.get('c1', 'other'), /cannot be decrypted/);
  await assert.rejects(
    new SealedSecretStore({ backend, key: randomBytes(32) }).get('c1', 'ca.key'),
    /cannot be decrypted/,
  );
  await store.deleteCluster('c1');
  assert.equal(await store.get('c1', 'ca.key'), undefined);
});
