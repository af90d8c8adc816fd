/**
 * Issue 16's acceptance run, end to end as people work: `berth server --provider local` (a child
 * process) reads the directory settings from BERTH_LDAP_* and signs users in against a real
 * slapd; a real cluster on the local provider, whose masters reach Berth's JWT issuer at the
 * external gateway address through their router's SNAT (the registry's TLS front serves it);
 * kubectl with alice's own kubeconfig and the `berth kubectl-credentials` exec plugin.
 *
 * alice (group devs) signs in, sees only her project's clusters, gets a kubeconfig; with a
 * RoleBinding for devs in team-a she creates a Deployment there and is forbidden in kube-system;
 * bob (not in devs) is forbidden in team-a; removing alice from devs in LDAP ends her access
 * within the re-check interval (2 s here) plus Berth's auth cache; a wrong password and a locked
 * user get clear errors; the master's API audit log records alice's change. Whatever happens, the cluster is deleted and the leak check runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ADMIN_PASSWORD,
  PASSWORD,
  slapdPresent,
  startSlapd,
  type TestSlapd,
} from '@berth/identity/testing';
import { skipUnless, until } from '@berth/test-kit';
import {
  kubectl as adminKubectl,
  skip as e2eSkip,
  startBerth,
  tearDownBerth,
  type Berth,
  type E2eEnv,
  type Json,
} from './testing/e2e.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/', import.meta.url));
const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const skip = e2eSkip || skipUnless({ slapd: slapdPresent() });
const DEVS = 'cn=devs,ou=groups,dc=berth,dc=test';
const ALICE = 'uid=alice,ou=people,dc=berth,dc=test';
const AUDIT_LOG = 'var/log/kubernetes/audit.log';

describe('directory users and cluster access by group on a real cluster', { skip }, () => {
  let slapd: TestSlapd;
  let env: E2eEnv;
  let b: Berth;
  let adminConfig: string;

  const call = async (method: string, url: string, token?: string, body?: unknown) => {
    const res = await b.request(method, url, { token: token ?? '', body });
    return { status: res.status, text: res.text, json: (): Json => JSON.parse(res.text) };
  };

  const login = async (username: string, password = PASSWORD) =>
    call('POST', '/v1/login', undefined, { username, password });

  /** kubectl as a signed-in user, through the kubeconfig Berth gives them. */
  const asUser = async (session: string) => {
    const reply = await call('GET', '/v1/projects/team-a/clusters/web/kubeconfig', session);
    assert.equal(reply.status, 200, reply.text);
    assert.doesNotMatch(reply.text, /client-key-data|client-certificate-data/);
    const file = path.join(env.dataDir, `user-${Math.random().toString(36).slice(2)}.kubeconfig`);
    await fs.writeFile(file, reply.text, { mode: 0o600 });
    return async (...args: string[]) => {
      try {
        const out = await run('kubectl', ['--kubeconfig', file, ...args], {
          env: {
            PATH: `${BIN}:${process.env.PATH ?? ''}`,
            HOME: process.env.HOME ?? env.dataDir,
            BERTH_CONFIG: path.join(env.dataDir, 'none.yaml'),
            // The exec plugin verifies Berth's API (HTTPS) against its CA, like every CLI call.
            BERTH_CA_FILE: b.caFile,
            BERTH_TOKEN: session,
          },
          timeout: 60_000,
        });
        return { ok: true, stdout: out.stdout, stderr: out.stderr };
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
  };

  before(async () => {
    slapd = await startSlapd();
    Object.assign(process.env, {
      BERTH_LDAP_URL: slapd.url,
      BERTH_LDAP_STARTTLS: 'true',
      BERTH_LDAP_CA_FILE: slapd.caFile,
      BERTH_LDAP_BIND_DN: 'cn=berth,ou=services,dc=berth,dc=test',
      BERTH_LDAP_BIND_PASSWORD: ADMIN_PASSWORD,
      BERTH_LDAP_USER_BASE: 'ou=people,dc=berth,dc=test',
      BERTH_LDAP_GROUP_BASE: 'ou=groups,dc=berth,dc=test',
      BERTH_LDAP_RECHECK_SECONDS: '2',
      BERTH_CLUSTER_TOKEN_TTL_SECONDS: '30',
    });
    ({ env, b } = await startBerth());
    adminConfig = path.join(env.dataDir, 'admin.kubeconfig');
    await b.api('POST', '/v1/projects', { metadata: { name: 'team-a' } });
    await b.api('POST', '/v1/projects/team-a/members', { group: 'devs', role: 'member' });
    await b.api('POST', '/v1/projects/team-a/members', { user: 'bob', role: 'viewer' });
    await b.berth(
      ...['cluster', 'create', 'web', '-p', 'team-a'],
      ...['--nodegroup', 'default:count=1,runtime=simulated', '--wait'],
    );
    await b.berth('cluster', 'kubeconfig', 'web', '-p', 'team-a', '--output-file', adminConfig);
    const rbac = path.join(env.dataDir, 'rbac.yaml');
    await fs.writeFile(
      rbac,
      `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-edit, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: devs}
`,
    );
    await adminKubectl(adminConfig, 'apply', '-f', rbac);
  });

  after(async () => {
    try {
      if (b) {
        await b
          .berth('cluster', 'delete', 'web', '-p', 'team-a', '--wait')
          .catch((err: unknown) => console.error('deleting the cluster failed', err));
        await tearDownBerth(env, b);
      }
    } finally {
      for (const name of Object.keys(process.env))
        if (name.startsWith('BERTH_LDAP_') || name === 'BERTH_CLUSTER_TOKEN_TTL_SECONDS')
          delete process.env[name];
      await slapd?.stop();
    }
  });

  test('alice signs in and sees only her project and its cluster', async () => {
    const reply = await login('alice');
    assert.equal(reply.status, 200, reply.text);
    const session = reply.json().token as string;
    const projects = (await call('GET', '/v1/projects', session)).json().items as Json[];
    assert.deepEqual(
      projects.map((p) => p.metadata.name),
      ['team-a'],
    );
    const clusters = (await call('GET', '/v1/projects/team-a/clusters', session)).json();
    assert.deepEqual(
      clusters.items.map((c: Json) => c.metadata.name),
      ['web'],
    );
    assert.equal((await call('GET', '/v1/projects/default/clusters', session)).status, 404);
  });

  test('berth login --user over HTTPS pins the API CA by its fingerprint, then verifies with it', async () => {
    const config = path.join(env.dataDir, 'alice-cli.yaml');
    const berthAs = (...args: string[]) =>
      run(process.execPath, [CLI, ...args], {
        env: { ...process.env, BERTH_CONFIG: config, BERTH_PASSWORD: PASSWORD },
      });
    const caPem = b.caPem();
    const fingerprint = `sha256:${new X509Certificate(caPem).fingerprint256.replaceAll(':', '').toLowerCase()}`;
    // No CA and no terminal: refused, naming the fingerprint to check; nothing saved.
    const refused = await berthAs('login', '--endpoint', b.url, '--user', 'alice').catch(
      (err: { stderr?: string; code?: number }) => err,
    );
    assert.equal((refused as { code?: number }).code, 1);
    assert.ok((refused as { stderr: string }).stderr.includes(fingerprint));
    const signedIn = await berthAs(
      ...['login', '--endpoint', b.url, '--user', 'alice', '--ca-fingerprint', fingerprint],
    );
    assert.match(
      signedIn.stdout,
      /Signed in to https:\/\/127\.0\.0\.1:\d+ as alice \(groups: devs\)/,
    );
    assert.match(await fs.readFile(config, 'utf8'), /caCertificate/);
    const clusters = JSON.parse((await berthAs('cluster', 'list', '-o', 'json')).stdout) as Json;
    assert.deepEqual(
      (clusters.items as Json[]).map((c) => c.metadata.name),
      ['web'],
    );
  });

  test('kubectl as alice: her groups; devs may deploy in team-a, not in kube-system', async () => {
    const alice = await asUser((await login('alice')).json().token);
    // The masters fetch the issuer's JWKS in the background after they start.
    const whoami = await until(
      'the API server accepts alice',
      async () => {
        const r = await alice('auth', 'whoami', '-o', 'json');
        return r.ok ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const user = JSON.parse(whoami.stdout).status.userInfo;
    assert.equal(user.username, 'alice');
    assert.deepEqual(user.groups, ['devs', 'system:authenticated']);
    // ClusterRole edit is aggregated by the controller-manager shortly after the cluster starts.
    await until(
      'edit aggregated for devs',
      async () => (await alice('auth', 'can-i', 'create', 'deployments', '-n', 'team-a')).ok,
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const created = await alice('create', 'deployment', 'hello', '--image=x', '-n', 'team-a');
    assert.ok(created.ok, created.stderr);
    const denied = await alice('create', 'deployment', 'hello', '--image=x', '-n', 'kube-system');
    assert.equal(denied.ok, false);
    assert.match(denied.stderr, /forbidden: User "alice" cannot create resource "deployments"/);
  });

  test("the master's API audit log records alice's change with her groups", async () => {
    const servers = await b.api('GET', '/v1/projects/team-a/servers');
    const master = (servers.items as Json[]).find((s) => /-master-0$/.test(s.name as string))!;
    const file = path.join(b.providerData, 'servers', master.id as string, 'root', AUDIT_LOG);
    const entry = await until(
      'alice in the audit log',
      async () => {
        const text = await fs.readFile(file, 'utf8').catch(() => '');
        return text
          .split('\n')
          .filter((l) => l.includes('"alice"'))
          .map((l) => JSON.parse(l) as Json)
          .find((e) => e.verb === 'create' && e.objectRef?.resource === 'deployments');
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    assert.equal(entry.user.username, 'alice');
    assert.ok(entry.user.groups.includes('devs'));
    assert.equal(entry.objectRef.namespace, 'team-a');
    assert.equal(entry.responseStatus.code, 201);
    // The same event reaches Berth (audit webhook through the router's SNAT), for team-a's admins.
    const viaBerth = await until(
      "alice's change in Berth",
      async () => {
        const list = await b.api('GET', '/v1/projects/team-a/clusters/web/audit?limit=1000');
        return (list.items as Json[]).find(
          (e) =>
            e.user.username === 'alice' &&
            e.verb === 'create' &&
            e.objectRef.resource === 'deployments' &&
            e.objectRef.namespace === 'team-a',
        );
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    assert.ok(viaBerth.user.groups.includes('devs'));
    assert.equal(viaBerth.code, 201);
  });

  test('bob is forbidden in team-a', async () => {
    const bob = await asUser((await login('bob')).json().token);
    const denied = await bob('get', 'deployments', '-n', 'team-a');
    assert.equal(denied.ok, false);
    assert.match(denied.stderr, /forbidden: User "bob" cannot list resource "deployments"/);
  });

  test('wrong password and a locked user: clear errors, no token', async () => {
    const wrong = await login('alice', 'nope');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json().code, 'BERTH_ERR_INVALID_CREDENTIALS');
    const locked = await login('dave');
    assert.equal(locked.status, 403);
    assert.equal(locked.json().code, 'BERTH_ERR_ACCOUNT_DISABLED');
  });

  test('removing alice from devs in LDAP ends her access within the re-check interval', async () => {
    const session = (await login('alice')).json().token as string;
    const alice = await asUser(session);
    assert.ok((await alice('get', 'deployments', '-n', 'team-a')).ok);
    await slapd.setMember(DEVS, ALICE, false);
    const removed = Date.now();
    try {
      await until(
        'alice loses team-a',
        async () => (await alice('get', 'deployments', '-n', 'team-a')).ok === false,
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const seconds = (Date.now() - removed) / 1000;
      // BERTH_LDAP_RECHECK_SECONDS=2 plus Berth's 10 s auth cache, plus a kubectl run.
      assert.ok(seconds < 15, `${seconds} s`);
      assert.equal((await call('GET', '/v1/projects/team-a/clusters', session)).status, 404);
    } finally {
      await slapd.setMember(DEVS, ALICE, true);
    }
  });
});
