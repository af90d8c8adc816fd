import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configPath, parseConfig, readConfig, writeConfig } from './config-file.js';
import type { CliIo } from './io.js';
import { resolveSettings } from './settings.js';

async function tempDir(t: test.TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-config-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

test('config path: $BERTH_CONFIG, then $XDG_CONFIG_HOME, then ~/.config', () => {
  assert.equal(configPath({ BERTH_CONFIG: '/x/c.yaml' }, '/home/u'), '/x/c.yaml');
  assert.equal(configPath({ XDG_CONFIG_HOME: '/xdg' }, '/home/u'), '/xdg/berth/config.yaml');
  assert.equal(configPath({}, '/home/u'), '/home/u/.config/berth/config.yaml');
});

test('written with mode 0600 in a 0700 directory, and read back', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'nested', 'config.yaml');
  await writeConfig(file, {
    endpoint: 'http://127.0.0.1:7070',
    token: 'berth_secret',
    project: 'p',
  });
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  assert.equal((await fs.stat(path.dirname(file))).mode & 0o777, 0o700);
  assert.deepEqual(await readConfig(file), {
    endpoint: 'http://127.0.0.1:7070',
    token: 'berth_secret',
    project: 'p',
  });
  assert.deepEqual(await fs.readdir(path.dirname(file)), ['config.yaml'], 'no temp files left');
});

test('rewriting a world-readable file leaves it 0600', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'config.yaml');
  await fs.writeFile(file, 'endpoint: http://old\n', { mode: 0o644 });
  await writeConfig(file, { endpoint: 'http://new', token: 't' });
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
});

test('a missing file is an empty config; a broken one is a clear error', async (t) => {
  const dir = await tempDir(t);
  assert.deepEqual(await readConfig(path.join(dir, 'none.yaml')), {});
  assert.throws(
    () => parseConfig('endpoint: [1', 'c.yaml'),
    /^UsageError: c\.yaml is not valid YAML/,
  );
  assert.throws(() => parseConfig('- a', 'c.yaml'), /c\.yaml must be a mapping/);
  assert.throws(() => parseConfig('token: 5', 'c.yaml'), /c\.yaml: token must be a string/);
  assert.deepEqual(parseConfig('', 'c.yaml'), {});
});

test('a flag beats the environment, which beats the file, which beats the default', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'config.yaml');
  await writeConfig(file, {
    endpoint: 'http://file',
    token: 'file-token',
    project: 'file-project',
  });
  const io = (env: Record<string, string>) =>
    ({ env: { BERTH_CONFIG: file, ...env }, homedir: () => dir }) as unknown as CliIo;

  const fromFile = await resolveSettings({}, io({}));
  assert.equal(fromFile.endpoint, 'http://file');
  assert.deepEqual(fromFile.sources, { endpoint: 'config', token: 'config', project: 'config' });

  const env = { BERTH_ENDPOINT: 'http://env', BERTH_TOKEN: 'env-token' };
  const fromEnv = await resolveSettings({}, io(env));
  assert.equal(fromEnv.endpoint, 'http://env');
  assert.equal(fromEnv.token, 'env-token');
  assert.equal(fromEnv.project, 'file-project');

  const fromFlags = await resolveSettings({ endpoint: 'http://flag', project: 'x' }, io(env));
  assert.equal(fromFlags.endpoint, 'http://flag');
  assert.equal(fromFlags.project, 'x');
  assert.equal(fromFlags.output, 'table');

  const empty = await resolveSettings({}, io({ BERTH_CONFIG: path.join(dir, 'none.yaml') }));
  assert.equal(empty.endpoint, undefined);
  assert.equal(empty.project, 'default');
  assert.equal(empty.sources.project, 'default');
});
