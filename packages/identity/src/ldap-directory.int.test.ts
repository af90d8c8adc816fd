/** `LdapDirectory` against a real slapd (OpenLDAP and Active Directory layouts). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { skipUnless } from '@berth/test-kit';
import type { DirectoryConfig } from './directory-config.js';
import { LdapDirectory } from './ldap-directory.js';
import {
  ADMIN_PASSWORD,
  PASSWORD,
  slapdPresent,
  startSlapd,
  type TestSlapd,
} from './testing/slapd.js';

const skip = skipUnless({ slapd: slapdPresent() });

describe('LdapDirectory with a real slapd', { skip }, () => {
  let slapd: TestSlapd;
  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => {
    await slapd?.stop();
  });

  const openldap = (over: Partial<DirectoryConfig> = {}): DirectoryConfig => ({
    url: slapd.url,
    startTls: false,
    bindDn: 'cn=berth,ou=services,dc=berth,dc=test',
    bindPassword: ADMIN_PASSWORD,
    userBase: 'ou=people,dc=berth,dc=test',
    userFilter: '(uid={username})',
    groupBase: 'ou=groups,dc=berth,dc=test',
    groupFilter: '(|(member={dn})(uniqueMember={dn}))',
    groupNameAttribute: 'cn',
    caPem: slapd.caPem,
    timeoutMs: 3_000,
    ...over,
  });

  test('alice signs in and is in devs; carol is in devs through nested leads', async () => {
    const directory = new LdapDirectory(openldap());
    assert.deepEqual(await directory.authenticate('alice', PASSWORD), {
      username: 'alice',
      dn: 'uid=alice,ou=people,dc=berth,dc=test',
      groups: ['devs'],
    });
    assert.deepEqual((await directory.authenticate('carol', PASSWORD)).groups, ['devs', 'leads']);
    assert.deepEqual((await directory.authenticate('ALICE', PASSWORD)).username, 'alice');
  });

  test('StartTLS and LDAPS verify the directory against BERTH_LDAP_CA_FILE', async () => {
    const viaStartTls = new LdapDirectory(openldap({ startTls: true }));
    assert.deepEqual((await viaStartTls.authenticate('bob', PASSWORD)).groups, [
      'ops',
      'system:masters',
    ]);
    const viaLdaps = new LdapDirectory(openldap({ url: slapd.ldapsUrl }));
    assert.equal((await viaLdaps.authenticate('alice', PASSWORD)).username, 'alice');
    const untrusted = new LdapDirectory(openldap({ url: slapd.ldapsUrl, caPem: undefined }));
    await assert.rejects(untrusted.authenticate('alice', PASSWORD), {
      code: 'BERTH_ERR_DIRECTORY_UNAVAILABLE',
    });
  });

  test('wrong password, unknown user, empty password and filter injection are refused alike', async () => {
    const directory = new LdapDirectory(openldap());
    for (const [name, password] of [
      ['alice', 'wrong'],
      ['nobody', PASSWORD],
      ['alice', ''],
      ['*', PASSWORD],
      ['alice)(uid=*', PASSWORD],
    ] as const) {
      await assert.rejects(directory.authenticate(name, password), {
        code: 'BERTH_ERR_INVALID_CREDENTIALS',
      });
    }
  });

  test('a locked account (pwdAccountLockedTime) is refused even with its password', async () => {
    const directory = new LdapDirectory(openldap());
    await assert.rejects(directory.authenticate('dave', PASSWORD), {
      code: 'BERTH_ERR_ACCOUNT_DISABLED',
    });
    await assert.rejects(directory.lookup('dave'), { code: 'BERTH_ERR_ACCOUNT_DISABLED' });
  });

  test('lookup re-reads groups: removing alice from devs shows at once', async () => {
    const directory = new LdapDirectory(openldap());
    const devs = 'cn=devs,ou=groups,dc=berth,dc=test';
    const alice = 'uid=alice,ou=people,dc=berth,dc=test';
    await slapd.setMember(devs, alice, false);
    try {
      assert.deepEqual((await directory.lookup('alice')).groups, []);
    } finally {
      await slapd.setMember(devs, alice, true);
    }
    assert.deepEqual((await directory.lookup('alice')).groups, ['devs']);
  });

  test('an unreachable directory or a refused service account is 503, never a sign-in', async () => {
    const closed = new LdapDirectory(openldap({ url: 'ldap://127.0.0.1:1', timeoutMs: 1_000 }));
    await assert.rejects(closed.authenticate('alice', PASSWORD), {
      code: 'BERTH_ERR_DIRECTORY_UNAVAILABLE',
    });
    const badService = new LdapDirectory(openldap({ bindPassword: 'nope' }));
    await assert.rejects(badService.authenticate('alice', PASSWORD), {
      code: 'BERTH_ERR_DIRECTORY_UNAVAILABLE',
    });
  });

  test('Active Directory layout: sAMAccountName, nested groups, disabled bit', async () => {
    const directory = new LdapDirectory(
      openldap({
        bindDn: 'CN=admin,DC=corp,DC=example',
        userBase: 'CN=Users,DC=corp,DC=example',
        userFilter: '(&(objectClass=user)(sAMAccountName={username}))',
        groupBase: 'CN=Users,DC=corp,DC=example',
        groupFilter: '(&(objectClass=group)(member={dn}))',
      }),
    );
    assert.deepEqual(await directory.authenticate('alice', PASSWORD), {
      username: 'alice',
      dn: 'cn=Alice,cn=Users,dc=corp,dc=example',
      groups: ['Devs', 'Team-A'],
    });
    await assert.rejects(directory.authenticate('erin', PASSWORD), {
      code: 'BERTH_ERR_ACCOUNT_DISABLED',
    });
  });
});
