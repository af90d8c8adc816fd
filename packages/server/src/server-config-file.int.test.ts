/**
 * `startServer` with a config file: its directory settings take effect (sign-in goes to the
 * directory it names), a bad key stops the start naming the key, and a BERTH_LDAP_* variable
 * wins over the file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '@berth/test-kit';
import { createLogger } from './logger.js';
import { startServer } from './start-server.js';

const logger = createLogger({ level: 'silent' });

async function loginStatus(url: string): Promise<{ status: number; code: string }> {
  const res = await fetch(`${url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'pw' }),
  });
  const body = (await res.json()) as { code: string };
  return { status: res.status, code: body.code };
}

test('the config file configures the directory; variables win; bad keys stop the start', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-config-int-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Nothing listens there: a configured directory answers 503, no directory 501.
  const closed = await freePort();
  const file = path.join(dir, 'server.yaml');
  fs.writeFileSync(
    file,
    `ldap:\n  url: ldap://127.0.0.1:${closed}\n  userBase: ou=people,dc=berth,dc=test\n`,
  );
  const base = { listen: '127.0.0.1:0', logger, insecureHttp: true, print: () => undefined };
  const fromFile = await startServer({
    ...base,
    dataDir: path.join(dir, 'a'),
    env: { BERTH_SERVER_CONFIG: file },
  });
  try {
    assert.deepEqual(await loginStatus(fromFile.url), {
      status: 503,
      code: 'BERTH_ERR_DIRECTORY_UNAVAILABLE',
    });
  } finally {
    await fromFile.stop();
  }

  fs.writeFileSync(
    file,
    `ldap:\n  url: ldap://127.0.0.1:${closed}\n  userBase: dc=x\n  userFilter: (uid=*)\n`,
  );
  await assert.rejects(
    startServer({ ...base, dataDir: path.join(dir, 'b'), configFile: file, env: {} }),
    {
      code: 'BERTH_ERR_VALIDATION',
      field: 'ldap.userFilter',
      message: /server\.yaml: ldap\.userFilter: must contain \{username\}/,
    },
  );
  // The variable wins over the file's bad filter.
  const overridden = await startServer({
    ...base,
    dataDir: path.join(dir, 'c'),
    configFile: file,
    env: { BERTH_LDAP_USER_FILTER: '(uid={username})' },
  });
  try {
    assert.equal((await loginStatus(overridden.url)).status, 503);
  } finally {
    await overridden.stop();
  }
});
