import assert from 'node:assert/strict';
import { test } from 'node:test';
import { directoryConfigFromEnv } from './directory-config.js';

test('no BERTH_LDAP_URL: no directory', () => {
  assert.equal(directoryConfigFromEnv({}), undefined);
});

test('defaults: uid filter, member/uniqueMember groups under the user base', () => {
  const config = directoryConfigFromEnv({
    BERTH_LDAP_URL: 'ldaps://ldap.example:636',
    BERTH_LDAP_USER_BASE: 'ou=people,dc=example',
    BERTH_LDAP_BIND_DN: 'cn=berth,dc=example',
    BERTH_LDAP_BIND_PASSWORD: 's',
  });
  assert.deepEqual(config, {
    url: 'ldaps://ldap.example:636',
    startTls: false,
    userBase: 'ou=people,dc=example',
    userFilter: '(uid={username})',
    groupBase: 'ou=people,dc=example',
    groupFilter: '(|(member={dn})(uniqueMember={dn}))',
    groupNameAttribute: 'cn',
    timeoutMs: 5_000,
    bindDn: 'cn=berth,dc=example',
    bindPassword: 's',
  });
});

test('bad settings are refused naming the variable', () => {
  const base = { BERTH_LDAP_URL: 'ldap://h', BERTH_LDAP_USER_BASE: 'dc=x' };
  const cases: [Record<string, string>, string][] = [
    [{ ...base, BERTH_LDAP_URL: 'http://h' }, 'BERTH_LDAP_URL'],
    [{ BERTH_LDAP_URL: 'ldap://h' }, 'BERTH_LDAP_USER_BASE'],
    [{ ...base, BERTH_LDAP_USER_FILTER: 'uid={username}' }, 'BERTH_LDAP_USER_FILTER'],
    [{ ...base, BERTH_LDAP_USER_FILTER: '(uid=alice)' }, 'BERTH_LDAP_USER_FILTER'],
    [{ ...base, BERTH_LDAP_GROUP_FILTER: '(member={user})' }, 'BERTH_LDAP_GROUP_FILTER'],
    [{ ...base, BERTH_LDAP_BIND_DN: 'cn=x' }, 'BERTH_LDAP_BIND_PASSWORD'],
    [{ ...base, BERTH_LDAP_CA_FILE: '/nonexistent/ca.pem' }, 'BERTH_LDAP_CA_FILE'],
    [{ ...base, BERTH_LDAP_URL: 'ldaps://h', BERTH_LDAP_STARTTLS: 'true' }, 'BERTH_LDAP_STARTTLS'],
  ];
  for (const [env, field] of cases) {
    assert.throws(
      () => directoryConfigFromEnv(env),
      { code: 'BERTH_ERR_VALIDATION', field },
      field,
    );
  }
});
