/**
 * Directory users through the real API and store (SQLite and PostgreSQL) against a real slapd:
 * sign-in, whoami, project members by group and user, visibility, re-checked groups, expiry,
 * rate limiting, the error cases, and that no secret reaches the logs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LdapDirectory, SignInLimiter, type DirectoryConfig } from '@berth/identity';
import {
  ADMIN_PASSWORD,
  PASSWORD,
  slapdPresent,
  startSlapd,
  type TestSlapd,
} from '@berth/identity/testing';
import { storeBackends } from '@berth/store/testing';
import { skipUnless, until } from '@berth/test-kit';
import type { AuditRecord } from './audit.js';
import type { IdentityOptions } from './identity-service.js';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const skip = skipUnless({ slapd: slapdPresent() });
const CLUSTER = { metadata: { name: 'web' }, spec: { nodeGroups: [{ name: 'a', count: 1 }] } };
const DEVS = 'cn=devs,ou=groups,dc=berth,dc=test';
const ALICE = 'uid=alice,ou=people,dc=berth,dc=test';

function directoryConfig(slapd: TestSlapd, over: Partial<DirectoryConfig> = {}): DirectoryConfig {
  return {
    url: slapd.url,
    startTls: true,
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
  };
}

function identity(slapd: TestSlapd, over: Partial<IdentityOptions> = {}): IdentityOptions {
  return {
    directory: new LdapDirectory(directoryConfig(slapd)),
    limiter: new SignInLimiter({ perAddress: 5, perUser: 20, windowMs: 60_000 }),
    recheckMs: 300,
    ...over,
  };
}

async function login(app: TestApp['app'], username: string, password = PASSWORD) {
  return client(app, undefined).post('/v1/login', { username, password });
}

describe('directory users', { skip }, () => {
  let slapd: TestSlapd;
  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => {
    await slapd?.stop();
  });

  for (const backend of storeBackends()) {
    describe(`on ${backend.name}`, () => {
      let t: TestApp;
      let admin: Client;
      before(async () => {
        await backend.setUp();
        t = await testApp(await backend.open(), {
          identity: identity(slapd),
          options: { authCacheTtlMs: 100 },
        });
        admin = client(t.app, t.adminSecret);
        for (const name of ['team-a', 'team-b'])
          assert.equal((await admin.post('/v1/projects', { metadata: { name } })).status, 201);
        for (const project of ['team-a', 'team-b', 'default'])
          assert.equal((await admin.post(`/v1/projects/${project}/clusters`, CLUSTER)).status, 202);
      });
      after(async () => {
        try {
          await t?.app.close();
          await t?.store.close();
        } finally {
          await backend.tearDown();
        }
      });

      test('alice signs in: a session token, her groups, no projects until granted', async () => {
        const reply = await login(t.app, 'alice');
        assert.equal(reply.status, 200, reply.text);
        assert.match(reply.body.token, /^berths_[A-Za-z0-9_-]{43}$/);
        assert.equal(reply.body.username, 'alice');
        assert.deepEqual(reply.body.groups, ['devs']);
        const expires = Date.parse(reply.body.expiresAt) - Date.now();
        assert.ok(expires > 7.9 * 3600_000 && expires <= 8 * 3600_000, String(expires));
        const alice = client(t.app, reply.body.token);
        const me = await alice.get('/v1/whoami');
        assert.equal(me.status, 200);
        assert.deepEqual(
          { kind: me.body.kind, name: me.body.name, groups: me.body.groups, roles: me.body.roles },
          { kind: 'user', name: 'alice', groups: ['devs'], roles: {} },
        );
        assert.deepEqual((await alice.get('/v1/projects')).body.items, []);
        assert.equal((await alice.get('/v1/projects/team-a/clusters')).status, 404);
      });

      test('a role granted to group devs: alice sees and changes only team-a', async () => {
        const grant = await admin.post('/v1/projects/team-a/members', {
          group: 'devs',
          role: 'member',
        });
        assert.equal(grant.status, 201, grant.text);
        assert.deepEqual(
          { kind: grant.body.kind, name: grant.body.name, role: grant.body.role },
          { kind: 'group', name: 'devs', role: 'member' },
        );
        const alice = client(t.app, (await login(t.app, 'alice')).body.token);
        const names = (await alice.get('/v1/projects')).body.items.map(
          (p: { metadata: { name: string } }) => p.metadata.name,
        );
        assert.deepEqual(names, ['team-a']);
        const clusters = await alice.get('/v1/projects/team-a/clusters');
        assert.deepEqual(
          clusters.body.items.map((c: { metadata: { name: string } }) => c.metadata.name),
          ['web'],
        );
        const created = await alice.post('/v1/projects/team-a/clusters', {
          ...CLUSTER,
          metadata: { name: 'by-alice' },
        });
        assert.equal(created.status, 202, created.text);
        const event = await alice.get('/v1/projects/team-a/clusters/by-alice/events');
        assert.match(JSON.stringify(event.body), /by user \\"alice\\"/);
        for (const url of [
          '/v1/projects/team-b/clusters',
          '/v1/projects/default/clusters/web',
          '/v1/projects/team-b/members',
        ]) {
          assert.deepEqual(problemOf(await alice.get(url)), {
            status: 404,
            code: 'BERTH_ERR_PROJECT_NOT_FOUND',
          });
        }
        // member, not admin: no members, no tokens, no projects
        assert.equal((await alice.get('/v1/projects/team-a/members')).status, 403);
        assert.equal((await alice.get('/v1/projects/team-a/tokens')).status, 403);
        assert.equal((await alice.post('/v1/projects', { metadata: { name: 'x' } })).status, 403);
        // bob (ops) sees nothing of team-a
        const bob = client(t.app, (await login(t.app, 'bob')).body.token);
        assert.equal((await bob.get('/v1/projects/team-a/clusters')).status, 404);
      });

      test('a role granted to a user by name; grants list, replace and revoke', async () => {
        assert.equal(
          (await admin.post('/v1/projects/team-b/members', { user: 'bob', role: 'viewer' })).status,
          201,
        );
        const bob = client(t.app, (await login(t.app, 'bob')).body.token);
        assert.equal((await bob.get('/v1/projects/team-b/clusters')).status, 200);
        assert.equal((await bob.post('/v1/projects/team-b/clusters', CLUSTER)).status, 403);
        assert.equal(
          (await admin.post('/v1/projects/team-b/members', { user: 'bob', role: 'admin' })).status,
          201,
        );
        const list = await bob.get('/v1/projects/team-b/members');
        assert.equal(list.status, 200, list.text);
        assert.deepEqual(
          list.body.items.map((m: { kind: string; name: string; role: string }) => [
            m.kind,
            m.name,
            m.role,
          ]),
          [['user', 'bob', 'admin']],
        );
        assert.equal((await bob.delete('/v1/projects/team-b/members/user/bob')).status, 204);
        assert.equal((await bob.get('/v1/projects/team-b/clusters')).status, 404);
        assert.deepEqual(problemOf(await admin.delete('/v1/projects/team-b/members/user/bob')), {
          status: 404,
          code: 'BERTH_ERR_MEMBER_NOT_FOUND',
        });
        assert.deepEqual(problemOf(await admin.delete('/v1/projects/team-b/members/robot/x')), {
          status: 404,
          code: 'BERTH_ERR_MEMBER_NOT_FOUND',
        });
      });

      test('members: exactly one of group and user, a known role; project tokens stay in their project', async () => {
        const both = await admin.post('/v1/projects/team-a/members', {
          group: 'g',
          user: 'u',
          role: 'viewer',
        });
        assert.deepEqual(problemOf(both), {
          status: 400,
          code: 'BERTH_ERR_VALIDATION',
          field: 'user',
        });
        assert.deepEqual(
          problemOf(await admin.post('/v1/projects/team-a/members', { role: 'viewer' })),
          { status: 400, code: 'BERTH_ERR_VALIDATION', field: 'group' },
        );
        const badRole = await admin.post('/v1/projects/team-a/members', {
          group: 'g',
          role: 'root',
        });
        assert.equal(badRole.status, 400);
        const teamAAdmin = await admin.post('/v1/projects/team-a/tokens', {
          name: 'a',
          role: 'admin',
        });
        const scoped = client(t.app, teamAAdmin.body.secret);
        assert.equal((await scoped.get('/v1/projects/team-a/members')).status, 200);
        assert.equal((await scoped.get('/v1/projects/team-b/members')).status, 404);
        assert.equal(
          (await scoped.post('/v1/projects/team-b/members', { group: 'devs', role: 'admin' }))
            .status,
          404,
        );
      });

      test('removing alice from devs in the directory ends her access within the re-check interval', async () => {
        const alice = client(t.app, (await login(t.app, 'alice')).body.token);
        assert.equal((await alice.get('/v1/projects/team-a/clusters')).status, 200);
        await slapd.setMember(DEVS, ALICE, false);
        try {
          const started = Date.now();
          await until(
            'alice loses team-a',
            async () => (await alice.get('/v1/projects/team-a/clusters')).status === 404,
            { timeoutMs: 5_000, intervalMs: 50 },
          );
          // recheckMs 300 + authCacheTtlMs 100, plus a query's time
          assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`);
          assert.deepEqual((await alice.get('/v1/whoami')).body.groups, []);
        } finally {
          await slapd.setMember(DEVS, ALICE, true);
        }
      });

      test('wrong password, unknown user, locked user, reserved names: clear errors, no token', async () => {
        assert.deepEqual(problemOf(await login(t.app, 'alice', 'wrong')), {
          status: 401,
          code: 'BERTH_ERR_INVALID_CREDENTIALS',
        });
        assert.deepEqual(problemOf(await login(t.app, 'nobody')), {
          status: 401,
          code: 'BERTH_ERR_INVALID_CREDENTIALS',
        });
        assert.deepEqual(problemOf(await login(t.app, 'dave')), {
          status: 403,
          code: 'BERTH_ERR_ACCOUNT_DISABLED',
        });
        assert.deepEqual(problemOf(await login(t.app, 'system:admin')), {
          status: 401,
          code: 'BERTH_ERR_INVALID_CREDENTIALS',
        });
        assert.deepEqual(
          problemOf(await client(t.app, undefined).post('/v1/login', { username: 'alice' })),
          {
            status: 400,
            code: 'BERTH_ERR_VALIDATION',
            field: 'password',
          },
        );
        // bob is in system:masters in the directory; Kubernetes reserves the prefix
        assert.deepEqual((await login(t.app, 'bob')).body.groups, ['ops']);
      });

      test('brute force: the sixth failure for one user from one address is 429 with Retry-After', async () => {
        for (let i = 0; i < 5; i++)
          assert.equal((await login(t.app, 'carol', `guess-${i}`)).status, 401);
        const limited = await login(t.app, 'carol');
        assert.deepEqual(problemOf(limited), { status: 429, code: 'BERTH_ERR_RATE_LIMITED' });
        assert.ok(Number(limited.headers['retry-after']) > 0);
        assert.equal((await login(t.app, 'alice')).status, 200);
      });

      test('session tokens are never logged, nor passwords', async () => {
        const reply = await login(t.app, 'alice');
        await client(t.app, reply.body.token).get('/v1/whoami');
        const logs = t.logs();
        assert.ok(logs.includes('"route":"/v1/login"'), 'the sign-in is logged');
        assert.ok(!logs.includes(reply.body.token), 'session token in the logs');
        assert.ok(!logs.includes(reply.body.token.slice(7, 30)), 'part of the token in the logs');
        assert.ok(!logs.includes(PASSWORD), 'password in the logs');
      });
    });
  }

  describe('sessions and directories that fail', () => {
    const backend = storeBackends()[0]!;
    let store: TestApp['store'];
    before(async () => {
      await backend.setUp();
      store = await backend.open();
    });
    after(async () => {
      try {
        await store?.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('logout ends the session at once; API tokens do not log out', async () => {
      const t = await testApp(store, { identity: identity(slapd) });
      try {
        const token = (await login(t.app, 'alice')).body.token as string;
        const alice = client(t.app, token);
        assert.equal((await alice.get('/v1/whoami')).status, 200);
        assert.equal((await alice.post('/v1/logout')).status, 204);
        assert.deepEqual(problemOf(await alice.get('/v1/whoami')), {
          status: 401,
          code: 'BERTH_ERR_UNAUTHENTICATED',
        });
        assert.deepEqual(problemOf(await client(t.app, t.adminSecret).post('/v1/logout')), {
          status: 400,
          code: 'BERTH_ERR_BAD_REQUEST',
        });
      } finally {
        await t.app.close();
      }
    });

    test('a session token expires', async () => {
      const t = await testApp(store, {
        identity: identity(slapd, { sessionTtlMs: 400 }),
        options: { authCacheTtlMs: 50 },
      });
      try {
        const token = (await login(t.app, 'alice')).body.token;
        assert.equal((await client(t.app, token).get('/v1/whoami')).status, 200);
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(problemOf(await client(t.app, token).get('/v1/whoami')), {
          status: 401,
          code: 'BERTH_ERR_UNAUTHENTICATED',
        });
      } finally {
        await t.app.close();
      }
    });

    test('an unreachable directory: 503 at sign-in and at re-check, never access', async () => {
      const t = await testApp(store, {
        identity: identity(slapd, {
          directory: new LdapDirectory(
            directoryConfig(slapd, { url: 'ldap://127.0.0.1:1', timeoutMs: 1_000 }),
          ),
        }),
      });
      try {
        assert.deepEqual(problemOf(await login(t.app, 'alice')), {
          status: 503,
          code: 'BERTH_ERR_DIRECTORY_UNAVAILABLE',
        });
      } finally {
        await t.app.close();
      }
      // A session whose groups are due for a re-check while the directory is down.
      const reachable = await testApp(store, { identity: identity(slapd) });
      const token = (await login(reachable.app, 'alice')).body.token;
      await reachable.app.close();
      const down = await testApp(store, {
        identity: identity(slapd, {
          recheckMs: 1,
          directory: new LdapDirectory(
            directoryConfig(slapd, { url: 'ldap://127.0.0.1:1', timeoutMs: 1_000 }),
          ),
        }),
      });
      try {
        await new Promise((r) => setTimeout(r, 5));
        assert.deepEqual(problemOf(await client(down.app, token).get('/v1/whoami')), {
          status: 503,
          code: 'BERTH_ERR_DIRECTORY_UNAVAILABLE',
        });
      } finally {
        await down.app.close();
      }
    });

    test("the audit log names who did what, with the user's groups, and never a secret", async () => {
      const records: AuditRecord[] = [];
      const t = await testApp(store, {
        identity: identity(slapd),
        audit: { record: (r) => records.push(r) },
      });
      try {
        const admin = client(t.app, t.adminSecret);
        await admin.post('/v1/projects/default/members', { group: 'devs', role: 'member' });
        assert.equal((await login(t.app, 'alice', 'wrong')).status, 401);
        const session = (await login(t.app, 'alice')).body.token as string;
        const alice = client(t.app, session);
        await alice.get('/v1/projects/default/clusters');
        assert.equal((await alice.post('/v1/projects/default/clusters', CLUSTER)).status, 202);
        await admin.get('/v1/projects/default/clusters/web/kubeconfig');
        const seen = records.map((r) => [r.actor.kind, r.actor.name, r.method, r.route, r.status]);
        assert.deepEqual(seen, [
          ['token', 'test-admin', 'POST', '/v1/projects/:project/members', 201],
          ['anonymous', 'alice', 'POST', '/v1/login', 401],
          ['anonymous', 'alice', 'POST', '/v1/login', 200],
          ['user', 'alice', 'POST', '/v1/projects/:project/clusters', 202],
          ['token', 'test-admin', 'GET', '/v1/projects/:project/clusters/:cluster/kubeconfig', 501],
        ]);
        assert.deepEqual(records[3]!.actor.groups, ['devs']);
        assert.deepEqual(records[4]!.params, { project: 'default', cluster: 'web' });
        const text = JSON.stringify(records);
        assert.ok(
          !text.includes(session) && !text.includes(PASSWORD) && !text.includes(t.adminSecret),
        );
      } finally {
        await t.store.members.delete('default', 'group', 'devs');
        await t.app.close();
      }
    });

    test('without a directory: login is 501 and session tokens are refused', async () => {
      const t = await testApp(store);
      try {
        assert.deepEqual(problemOf(await login(t.app, 'alice')), {
          status: 501,
          code: 'BERTH_ERR_NOT_IMPLEMENTED',
        });
        assert.equal((await client(t.app, 'berths_x').get('/v1/whoami')).status, 401);
      } finally {
        await t.app.close();
      }
    });
  });
});
