/**
 * Cluster access by directory group, end to end against a real kube-apiserver (etcd and the
 * apiserver from the component cache on loopback) configured as Berth renders it for masters
 * (`--authentication-config` trusting Berth's JWT issuer), a real slapd and the real API over
 * HTTP: alice signs in, downloads her kubeconfig, and kubectl — through the exec credential
 * plugin `berth kubectl-credentials` — is alice with her directory groups; a RoleBinding to
 * group `devs` decides what she may do; bob is not in `devs`; removing alice from `devs` in LDAP
 * takes effect for new tokens within the group re-check interval and for tokens already issued
 * at their expiry; tokens for another cluster and reserved `system:` names get nothing.
 *
 * What is not here: provisioning the cluster on the local provider (masters reaching the issuer
 * through the router's SNAT) — the issuer is served on loopback as the registry front serves it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  clusterAudience,
  ClusterTokenIssuer,
  generateSigningKey,
  LdapDirectory,
  SignInLimiter,
} from '@berth/identity';
import {
  ADMIN_PASSWORD,
  PASSWORD,
  slapdPresent,
  startSlapd,
  type TestSlapd,
} from '@berth/identity/testing';
import {
  createCertificateAuthority,
  issueCertificate,
  renderAuthenticationConfig,
  renderClientCertKubeconfig,
  renderExecKubeconfig,
} from '@berth/kube-bootstrap';
import { startTestApiserver, type TestApiserver } from '@berth/kube-bootstrap/testing';
import { storeBackends } from '@berth/store/testing';
import { skipUnless } from '@berth/test-kit';
import { testApp, type TestApp } from './testing/app.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/', import.meta.url));
const hasKubectl = await fs.access('/usr/bin/kubectl').then(
  () => true,
  () => false,
);
const skip = skipUnless({ slapd: slapdPresent(), kubectl: hasKubectl });
const TOKEN_TTL_MS = 8_000;
const RECHECK_MS = 300;
const APISERVER_TOKEN_CACHE_MS = 10_000;
const DEVS = 'cn=devs,ou=groups,dc=berth,dc=test';
const ALICE = 'uid=alice,ou=people,dc=berth,dc=test';

interface Kubectl {
  ok: boolean;
  stdout: string;
  stderr: string;
}

describe('cluster access by directory group (real kube-apiserver)', { skip }, () => {
  let slapd: TestSlapd;
  let apiserver: TestApiserver;
  let issuerFront: https.Server;
  let issuer: ClusterTokenIssuer;
  let t: TestApp;
  let berthUrl: string;
  let dir: string;
  let adminKubeconfig: string;
  let clusterUid: string;
  const backend = storeBackends()[0]!;

  const api = async (method: string, url: string, token: string, body?: unknown) => {
    const res = await fetch(`${berthUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text };
  };

  const login = async (username: string): Promise<string> => {
    const res = await fetch(`${berthUrl}/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { token: string }).token;
  };

  /** kubectl as a signed-in user: their kubeconfig from Berth, the exec plugin on PATH. */
  const asUser = async (session: string) => {
    const reply = await api('GET', '/v1/projects/team-a/clusters/web/kubeconfig', session);
    assert.equal(reply.status, 200, reply.text);
    const file = path.join(dir, `user-${Math.random().toString(36).slice(2)}.kubeconfig`);
    await fs.writeFile(file, reply.text, { mode: 0o600 });
    return (...args: string[]) => kubectl(file, args, { BERTH_TOKEN: session });
  };

  const kubectl = async (
    kubeconfig: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<Kubectl> => {
    try {
      const cache = path.join(dir, 'kube-cache');
      const out = await run(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...args],
        {
          env: {
            PATH: `${BIN}:${process.env.PATH ?? ''}`,
            HOME: process.env.HOME ?? dir,
            BERTH_CONFIG: path.join(dir, 'no-config.yaml'),
            ...env,
          },
          timeout: 60_000,
        },
      );
      return { ok: true, stdout: out.stdout, stderr: out.stderr };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  const withToken = async (token: string, ...args: string[]) => {
    const file = path.join(dir, 'token.kubeconfig');
    const admin = await fs.readFile(adminKubeconfig, 'utf8');
    const server = /server: "([^"]+)"/.exec(admin)![1]!;
    const ca = /certificate-authority-data: (\S+)/.exec(admin)![1]!;
    await fs.writeFile(
      file,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "${server}"\n    certificate-authority-data: ${ca}\nusers:\n- name: u\n  user:\n    token: "${token}"\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
      { mode: 0o600 },
    );
    return kubectl(file, args);
  };

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cluster-access-'));
    slapd = await startSlapd();
    // The issuer's front: HTTPS with a CA of its own, as the registry front serves it.
    const ca = await createCertificateAuthority({ commonName: 'berth-test-issuer-ca' });
    const serving = await issueCertificate({
      ca,
      commonName: 'issuer',
      usage: 'server',
      ipAddresses: ['127.0.0.1'],
    });
    issuerFront = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      void (async () => {
        const doc =
          issuer && (await issuer.document(new URL(req.url ?? '/', 'https://x').pathname));
        res.writeHead(doc === undefined ? 404 : 200, { 'content-type': 'application/json' });
        res.end(doc ?? '{}');
      })();
    });
    await new Promise<void>((r) => issuerFront.listen(0, '127.0.0.1', r));
    const issuerPort = (issuerFront.address() as AddressInfo).port;
    issuer = new ClusterTokenIssuer({
      issuerUrl: `https://127.0.0.1:${issuerPort}/oidc`,
      privateKeyPem: generateSigningKey(),
      ttlMs: TOKEN_TTL_MS,
    });

    await backend.setUp();
    let apiserverCa = '';
    let apiserverUrl = '';
    t = await testApp(await backend.open(), {
      identity: {
        directory: new LdapDirectory({
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
        }),
        limiter: new SignInLimiter(),
        recheckMs: RECHECK_MS,
      },
      clusterTokens: issuer,
      kubeconfigs: {
        adminKubeconfig: async () => undefined,
        userKubeconfig: async (cluster, user) =>
          renderExecKubeconfig({
            clusterName: cluster.metadata.name,
            userName: user.name,
            server: apiserverUrl,
            caPem: apiserverCa,
            exec: user.exec,
          }),
      },
      options: { authCacheTtlMs: 100 },
    });
    berthUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const admin = t.adminSecret;
    assert.equal(
      (await api('POST', '/v1/projects', admin, { metadata: { name: 'team-a' } })).status,
      201,
    );
    const created = await api('POST', '/v1/projects/team-a/clusters', admin, {
      metadata: { name: 'web' },
      spec: { nodeGroups: [{ name: 'a', count: 1 }] },
    });
    assert.equal(created.status, 202, created.text);
    clusterUid = (await t.store.clusters.require({ project: 'team-a', name: 'web' })).metadata.uid;
    for (const grant of [
      { group: 'devs', role: 'viewer' },
      { user: 'bob', role: 'viewer' },
    ]) {
      assert.equal((await api('POST', '/v1/projects/team-a/members', admin, grant)).status, 201);
    }

    apiserver = await startTestApiserver(() => undefined, {
      authenticationConfig: renderAuthenticationConfig({
        issuerUrl: issuer.issuerUrl,
        audience: clusterAudience(clusterUid),
        caPem: ca.certPem,
      }),
    });
    apiserverUrl = apiserver.admin.server;
    apiserverCa = apiserver.admin.caPem;
    adminKubeconfig = path.join(dir, 'admin.kubeconfig');
    await fs.writeFile(
      adminKubeconfig,
      renderClientCertKubeconfig({ clusterName: 'web', userName: 'admin', ...apiserver.admin }),
      { mode: 0o600 },
    );
    const manifest = path.join(dir, 'rbac.yaml');
    await fs.writeFile(
      manifest,
      `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
# Not the aggregated ClusterRole edit: no controller-manager runs here to aggregate it.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deploy, namespace: team-a}
rules:
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-deploy, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: devs}
`,
    );
    const applied = await kubectl(adminKubeconfig, ['apply', '-f', manifest]);
    assert.ok(applied.ok, applied.stderr);
  });

  after(async () => {
    await apiserver?.stop();
    await t?.app.close();
    await t?.store.close();
    await backend.tearDown();
    await new Promise((r) => issuerFront?.close(r));
    await slapd?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('alice through her kubeconfig is alice with group devs; the RoleBinding decides', async () => {
    const alice = await asUser(await login('alice'));
    const whoami = await alice('auth', 'whoami', '-o', 'json');
    assert.ok(whoami.ok, whoami.stderr);
    const info = JSON.parse(whoami.stdout).status.userInfo;
    assert.equal(info.username, 'alice');
    assert.deepEqual(info.groups, ['devs', 'system:authenticated']);
    const created = await alice('create', 'deployment', 'web', '--image=x', '-n', 'team-a');
    assert.ok(created.ok, created.stderr);
    const system = await alice('create', 'deployment', 'web', '--image=x', '-n', 'kube-system');
    assert.equal(system.ok, false);
    assert.match(system.stderr, /forbidden: User "alice" cannot create resource "deployments"/);
  });

  test('bob (not in devs) is forbidden in team-a', async () => {
    const bob = await asUser(await login('bob'));
    const whoami = JSON.parse((await bob('auth', 'whoami', '-o', 'json')).stdout).status.userInfo;
    assert.equal(whoami.username, 'bob');
    assert.deepEqual(whoami.groups, ['ops', 'system:authenticated'], 'system:masters dropped');
    const get = await bob('get', 'deployments', '-n', 'team-a');
    assert.equal(get.ok, false);
    assert.match(get.stderr, /forbidden: User "bob" cannot list resource "deployments"/);
  });

  test("reserved names and another cluster's tokens get nothing", async () => {
    const other = await issuer.mint({ clusterUid: 'another', username: 'alice', groups: ['devs'] });
    const wrongAudience = await withToken(other.token, 'auth', 'whoami');
    assert.equal(wrongAudience.ok, false);
    assert.match(wrongAudience.stderr, /Unauthorized|must be logged in/);
    const masters = await issuer.mint({
      clusterUid,
      username: 'mallory',
      groups: ['system:masters', 'devs'],
    });
    const mallory = await withToken(masters.token, 'auth', 'whoami', '-o', 'json');
    assert.deepEqual(JSON.parse(mallory.stdout).status.userInfo.groups, [
      'devs',
      'system:authenticated',
    ]);
    assert.equal((await withToken(masters.token, 'get', 'secrets', '-A')).ok, false);
    const admin = await issuer.mint({ clusterUid, username: 'system:admin', groups: [] });
    assert.equal((await withToken(admin.token, 'auth', 'whoami')).ok, false);
    // An API token is not a person: no cluster credentials.
    const credentials = await api(
      'POST',
      '/v1/projects/team-a/clusters/web/credentials',
      t.adminSecret,
    );
    assert.equal(credentials.status, 403);
  });

  test('removing alice from devs: new tokens lose devs within the re-check, old ones at expiry', async () => {
    const session = await login('alice');
    const alice = await asUser(session);
    const issued = await api('POST', '/v1/projects/team-a/clusters/web/credentials', session);
    assert.equal(issued.status, 200, issued.text);
    const oldToken = (JSON.parse(issued.text) as { status: { token: string } }).status.token;
    assert.ok((await alice('get', 'deployments', '-n', 'team-a')).ok);
    await slapd.setMember(DEVS, ALICE, false);
    const removedAt = Date.now();
    try {
      await new Promise((r) => setTimeout(r, RECHECK_MS + 200));
      const denied = await alice('get', 'deployments', '-n', 'team-a');
      assert.equal(denied.ok, false, 'no fresh token carries devs');
      // devs was alice's only way into team-a: Berth now refuses her any token for its clusters.
      assert.match(denied.stderr, /Project "team-a" not found \(BERTH_ERR_PROJECT_NOT_FOUND\)/);
      // kube-apiserver caches a successful token check for 10 s (TokenSuccessCacheTTL): a token
      // already issued works until its expiry or, if checked just before, up to 10 s after.
      const firstUse = Date.now();
      const stillValid = await withToken(oldToken, 'get', 'deployments', '-n', 'team-a');
      assert.ok(stillValid.ok, 'a token issued before the removal works until it expires');
      const deadline = Math.max(removedAt + TOKEN_TTL_MS, firstUse + APISERVER_TOKEN_CACHE_MS);
      await new Promise((r) => setTimeout(r, deadline + 1_500 - Date.now()));
      const expired = await withToken(oldToken, 'get', 'deployments', '-n', 'team-a');
      assert.equal(expired.ok, false, 'the old token expired');
      assert.match(expired.stderr, /Unauthorized|must be logged in/);
    } finally {
      await slapd.setMember(DEVS, ALICE, true);
    }
  });
});
