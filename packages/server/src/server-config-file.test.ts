import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BerthError } from '@berth/errors';
import { directoryConfigFromEnv } from '@berth/identity';
import {
  explainConfigError,
  loadServerConfig,
  parseServerConfig,
  withConfigFile,
} from './server-config-file.js';
import { identityFromEnv } from './server-env.js';

const FILE = '/etc/berth/server.yaml';
const FULL = `
ldap:
  url: ldaps://dc.corp.example:636
  caFile: ldap-ca.pem
  bindDn: CN=berth,CN=Users,DC=corp,DC=example
  bindPassword: "s3cret: with a colon"
  userBase: CN=Users,DC=corp,DC=example
  userFilter: (&(objectClass=user)(sAMAccountName={username}))
  groupBase: CN=Groups,DC=corp,DC=example
  groupFilter: (member:1.2.840.113556.1.4.1941:={dn})
  groupNameAttribute: sAMAccountName
  recheckSeconds: 60
sessions:
  ttlSeconds: 3600
clusterTokens:
  ttlSeconds: 120
`;

test('every key stands for its BERTH_* variable; a relative caFile is beside the file', () => {
  const { variables, keyOf } = parseServerConfig(FILE, FULL);
  assert.deepEqual(variables, {
    BERTH_LDAP_URL: 'ldaps://dc.corp.example:636',
    BERTH_LDAP_CA_FILE: '/etc/berth/ldap-ca.pem',
    BERTH_LDAP_BIND_DN: 'CN=berth,CN=Users,DC=corp,DC=example',
    BERTH_LDAP_BIND_PASSWORD: 's3cret: with a colon',
    BERTH_LDAP_USER_BASE: 'CN=Users,DC=corp,DC=example',
    BERTH_LDAP_USER_FILTER: '(&(objectClass=user)(sAMAccountName={username}))',
    BERTH_LDAP_GROUP_BASE: 'CN=Groups,DC=corp,DC=example',
    BERTH_LDAP_GROUP_FILTER: '(member:1.2.840.113556.1.4.1941:={dn})',
    BERTH_LDAP_GROUP_NAME_ATTRIBUTE: 'sAMAccountName',
    BERTH_LDAP_RECHECK_SECONDS: '60',
    BERTH_SESSION_TTL_SECONDS: '3600',
    BERTH_CLUSTER_TOKEN_TTL_SECONDS: '120',
  });
  assert.equal(keyOf.BERTH_LDAP_USER_FILTER, 'ldap.userFilter');
  assert.equal(
    parseServerConfig(FILE, 'ldap:\n  startTls: true\n').variables.BERTH_LDAP_STARTTLS,
    'true',
  );
  assert.deepEqual(parseServerConfig(FILE, '# nothing yet\n').variables, {});
});

test('a set variable wins over the file; an unset one takes the file', () => {
  const config = parseServerConfig(FILE, 'ldap:\n  url: ldap://file:389\n  userBase: dc=file\n');
  const env = withConfigFile({ BERTH_LDAP_URL: 'ldap://env:389', PATH: '/bin' }, config);
  assert.equal(env.BERTH_LDAP_URL, 'ldap://env:389');
  assert.equal(env.BERTH_LDAP_USER_BASE, 'dc=file');
  assert.equal(env.PATH, '/bin');
  assert.equal(directoryConfigFromEnv(env)?.userBase, 'dc=file');
});

test('bad files are refused naming the key', () => {
  const refuses = (text: string, field: string, message: RegExp) =>
    assert.throws(
      () => parseServerConfig(FILE, text),
      (err: unknown) =>
        err instanceof BerthError &&
        err.code === 'BERTH_ERR_VALIDATION' &&
        err.field === field &&
        message.test(err.message) &&
        err.message.startsWith(`${FILE}: ${field}: `),
    );
  refuses('ldap:\n  urll: ldap://x\n', 'ldap.urll', /unknown setting; known: ldap\.url/);
  refuses('ldpa:\n  url: ldap://x\n', 'ldpa', /unknown setting/);
  refuses('ldap: ldap://x\n', 'ldap', /must be a map/);
  refuses('- ldap\n', '(top)', /must be a map/);
  refuses('ldap:\n  startTls: "yes"\n', 'ldap.startTls', /true or false/);
  refuses('ldap:\n  recheckSeconds: -1\n', 'ldap.recheckSeconds', /above 0/);
  refuses('sessions:\n  ttlSeconds: soon\n', 'sessions.ttlSeconds', /above 0/);
  refuses('ldap:\n  userBase: 7\n', 'ldap.userBase', /non-empty string/);
  refuses('ldap:\n  bindPassword: ""\n', 'ldap.bindPassword', /non-empty string/);
  refuses('ldap:\n  url: a\n  url: b\n', '(top)', /not valid YAML/);
  refuses('ldap: [\n', '(top)', /not valid YAML/);
});

test("the settings' own checks name the file's key for a value from the file", () => {
  const config = parseServerConfig(
    FILE,
    'ldap:\n  url: ldap://dir:389\n  userBase: dc=x\n  userFilter: (uid=*)\n',
  );
  const given = {};
  const err = (() => {
    try {
      identityFromEnv(withConfigFile(given, config));
    } catch (e) {
      return explainConfigError(e, config, given);
    }
    return undefined;
  })();
  assert.ok(err instanceof BerthError);
  assert.equal(err.field, 'ldap.userFilter');
  assert.equal(err.message, `${FILE}: ldap.userFilter: must contain {username}`);
  // The same mistake in the environment keeps naming the variable.
  const fromEnv = { BERTH_LDAP_USER_FILTER: '(uid=*)' };
  const envErr = (() => {
    try {
      identityFromEnv(withConfigFile(fromEnv, config));
    } catch (e) {
      return explainConfigError(e, config, fromEnv);
    }
    return undefined;
  })();
  assert.ok(envErr instanceof BerthError);
  assert.equal(envErr.field, 'BERTH_LDAP_USER_FILTER');
});

test('an unreadable file is refused naming it', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-config-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => loadServerConfig(path.join(dir, 'none.yaml')), {
    code: 'BERTH_ERR_VALIDATION',
    field: 'config',
    message: /cannot read the config file .*none\.yaml/,
  });
  fs.writeFileSync(path.join(dir, 'ok.yaml'), 'ldap:\n  url: ldap://x:389\n');
  assert.equal(
    loadServerConfig(path.join(dir, 'ok.yaml')).variables.BERTH_LDAP_URL,
    'ldap://x:389',
  );
});
