import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const CLUSTER = { metadata: { name: 'demo' }, spec: { nodeGroups: [{ name: 'a', count: 1 }] } };

/** Every tenant route, with a method and (for writes) a valid body. */
function tenantRoutes(p: string): Array<[string, string, unknown?]> {
  const c = `/v1/projects/${p}/clusters/demo`;
  return [
    ['GET', `/v1/projects/${p}`],
    ['GET', `/v1/projects/${p}/tokens`],
    ['POST', `/v1/projects/${p}/tokens`, { name: 'x', role: 'viewer' }],
    ['DELETE', `/v1/projects/${p}/tokens/tok-1`],
    ['GET', `/v1/projects/${p}/members`],
    ['POST', `/v1/projects/${p}/members`, { group: 'devs', role: 'admin' }],
    ['DELETE', `/v1/projects/${p}/members/group/devs`],
    ['GET', `/v1/projects/${p}/clusters`],
    ['POST', `/v1/projects/${p}/clusters`, CLUSTER],
    ['GET', c],
    ['PATCH', c, { metadata: { labels: { a: 'b' } } }],
    ['DELETE', c],
    ['POST', `${c}:stop`],
    ['POST', `${c}:start`],
    ['POST', `${c}:upgrade`, { version: '1.34' }],
    ['GET', `${c}/kubeconfig`],
    ['GET', `${c}/nodes`],
    ['GET', `${c}/certificates`],
    ['GET', `${c}/audit`],
    ['POST', `${c}/credentials`],
    ['GET', `${c}/events`],
    ['GET', `${c}/nodegroups`],
    ['POST', `${c}/nodegroups`, { metadata: { name: 'b' } }],
    ['GET', `${c}/nodegroups/a`],
    ['PATCH', `${c}/nodegroups/a`, { spec: { count: 2 } }],
    ['DELETE', `${c}/nodegroups/a`],
    ['GET', `${c}/addons`],
    ['POST', `${c}/addons`, { name: 'monitoring' }],
    ['DELETE', `${c}/addons/monitoring`],
    ...[
      'networks',
      'routers',
      'servers',
      'securitygroups',
      'loadbalancers',
      'volumes',
      'floatingips',
    ].map((k): [string, string] => ['GET', `/v1/projects/${p}/${k}`]),
  ];
}

async function call(api: Client, [method, url, body]: [string, string, unknown?]) {
  if (method === 'PATCH') return api.patch(url, body);
  return api.send(
    method,
    url,
    body === undefined ? undefined : JSON.stringify(body),
    body === undefined ? {} : { 'content-type': 'application/json' },
  );
}

for (const backend of storeBackends()) {
  describe(`access control on ${backend.name}`, () => {
    let t: TestApp;
    let admin: Client;
    const tokens: Record<string, Client> = {};

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      admin = client(t.app, t.adminSecret);
      assert.equal(
        (await admin.post('/v1/projects', { metadata: { name: 'team-b' } })).status,
        201,
      );
      for (const project of ['default', 'team-b']) {
        assert.equal((await admin.post(`/v1/projects/${project}/clusters`, CLUSTER)).status, 202);
      }
      for (const role of ['viewer', 'member', 'admin']) {
        const created = await admin.post('/v1/projects/default/tokens', {
          name: `${role}-token`,
          role,
        });
        assert.equal(created.status, 201);
        assert.match(created.body.secret, /^berth_/);
        tokens[role] = client(t.app, created.body.secret);
      }
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('no token or a wrong token is 401 on every /v1 route; health needs none', async () => {
      for (const route of tenantRoutes('default').slice(0, 6)) {
        assert.equal((await call(client(t.app, undefined), route)).status, 401, route.join(' '));
        assert.deepEqual(problemOf(await call(client(t.app, 'berth_wrong'), route)), {
          status: 401,
          code: 'BERTH_ERR_UNAUTHENTICATED',
        });
      }
      const anonymous = client(t.app, undefined);
      assert.equal((await anonymous.get('/healthz')).status, 200);
      assert.equal((await anonymous.get('/readyz')).status, 200);
      assert.equal((await anonymous.get('/metrics')).status, 200);
      assert.equal((await anonymous.get('/v1/versions')).status, 401);
    });

    test("another project's objects are 404 on every route, never 403", async () => {
      for (const route of tenantRoutes('team-b')) {
        const reply = await call(tokens.admin!, route);
        assert.equal(reply.status, 404, `${route[0]} ${route[1]} → ${reply.status} ${reply.text}`);
        assert.equal(reply.body.code, 'BERTH_ERR_PROJECT_NOT_FOUND');
      }
      const projects = await tokens.viewer!.get('/v1/projects');
      assert.deepEqual(
        projects.body.items.map((p: { metadata: { name: string } }) => p.metadata.name),
        ['default'],
      );
    });

    test('viewers read, members change clusters, only admins manage tokens', async () => {
      const viewer = tokens.viewer!;
      const member = tokens.member!;
      assert.equal((await viewer.get('/v1/projects/default/clusters')).status, 200);
      assert.equal((await viewer.get('/v1/projects/default/clusters/demo/events')).status, 200);
      assert.deepEqual(
        problemOf(await viewer.post('/v1/projects/default/clusters', { metadata: { name: 'v' } })),
        {
          status: 403,
          code: 'BERTH_ERR_FORBIDDEN',
        },
      );
      assert.equal((await viewer.get('/v1/projects/default/clusters/demo/kubeconfig')).status, 403);
      assert.equal((await member.get('/v1/projects/default/tokens')).status, 403);
      assert.equal(
        (await member.post('/v1/projects/default/clusters', { metadata: { name: 'by-member' } }))
          .status,
        202,
      );
      assert.equal((await tokens.admin!.get('/v1/projects/default/tokens')).status, 200);
      assert.equal(
        (await tokens.admin!.post('/v1/projects', { metadata: { name: 'nope' } })).status,
        403,
        'project admins cannot create projects',
      );
    });

    test('token listing never shows secrets; revocation takes effect at once', async () => {
      const created = await admin.post('/v1/projects/default/tokens', {
        name: 'short-lived',
        role: 'viewer',
      });
      const listed = await admin.get('/v1/projects/default/tokens');
      assert.ok(!listed.text.includes(created.body.secret));
      const revokable = client(t.app, created.body.secret);
      assert.equal((await revokable.get('/v1/projects/default/clusters')).status, 200);
      assert.equal(
        (await admin.delete(`/v1/projects/default/tokens/${created.body.id}`)).status,
        204,
      );
      assert.equal((await revokable.get('/v1/projects/default/clusters')).status, 401);
      assert.equal(
        (await admin.delete(`/v1/projects/default/tokens/${created.body.id}`)).status,
        404,
      );
    });

    test('unknown projects are 404; projects with clusters cannot be deleted', async () => {
      assert.deepEqual(problemOf(await admin.get('/v1/projects/ghost/clusters')), {
        status: 404,
        code: 'BERTH_ERR_PROJECT_NOT_FOUND',
      });
      assert.deepEqual(problemOf(await admin.delete('/v1/projects/team-b')), {
        status: 409,
        code: 'BERTH_ERR_CONFLICT',
      });
      assert.equal((await admin.post('/v1/projects', { metadata: { name: 'empty' } })).status, 201);
      assert.deepEqual(
        problemOf(await admin.post('/v1/projects', { metadata: { name: 'empty' } })),
        {
          status: 409,
          code: 'BERTH_ERR_ALREADY_EXISTS',
          field: 'metadata.name',
        },
      );
      assert.equal((await admin.delete('/v1/projects/empty')).status, 204);
      assert.equal((await admin.get('/v1/projects/empty')).status, 404);
    });
  });
}
