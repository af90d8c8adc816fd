/**
 * Property: whatever arrives — random paths, parameters, bodies, content types and headers on
 * every route — the API answers with a 4xx problem (or 501 for unwired views) or a success,
 * never a 5xx failure, and keeps serving afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { storeBackends } from '@berth/store/testing';
import { testApp, type TestApp } from './testing/app.js';

const ROUTES: Array<[string, string]> = [
  ['GET', '/v1/versions'],
  ['GET', '/v1/addons'],
  ['GET', '/v1/projects'],
  ['POST', '/v1/projects'],
  ['GET', '/v1/projects/{p}'],
  ['DELETE', '/v1/projects/{p}'],
  ['GET', '/v1/projects/{p}/tokens'],
  ['POST', '/v1/projects/{p}/tokens'],
  ['DELETE', '/v1/projects/{p}/tokens/{x}'],
  ['GET', '/v1/projects/{p}/clusters'],
  ['POST', '/v1/projects/{p}/clusters'],
  ['GET', '/v1/projects/{p}/clusters/{c}'],
  ['PATCH', '/v1/projects/{p}/clusters/{c}'],
  ['DELETE', '/v1/projects/{p}/clusters/{c}'],
  ['POST', '/v1/projects/{p}/clusters/{c}:start'],
  ['POST', '/v1/projects/{p}/clusters/{c}:stop'],
  ['POST', '/v1/projects/{p}/clusters/{c}:upgrade'],
  ['GET', '/v1/projects/{p}/clusters/{c}/kubeconfig'],
  ['GET', '/v1/projects/{p}/clusters/{c}/nodes'],
  ['GET', '/v1/projects/{p}/clusters/{c}/events'],
  ['GET', '/v1/projects/{p}/clusters/{c}/nodegroups'],
  ['POST', '/v1/projects/{p}/clusters/{c}/nodegroups'],
  ['GET', '/v1/projects/{p}/clusters/{c}/nodegroups/{x}'],
  ['PATCH', '/v1/projects/{p}/clusters/{c}/nodegroups/{x}'],
  ['DELETE', '/v1/projects/{p}/clusters/{c}/nodegroups/{x}'],
  ['GET', '/v1/projects/{p}/clusters/{c}/addons'],
  ['POST', '/v1/projects/{p}/clusters/{c}/addons'],
  ['DELETE', '/v1/projects/{p}/clusters/{c}/addons/{x}'],
  ['GET', '/v1/projects/{p}/servers'],
  ['GET', '/v1/operations/{x}'],
  ['PUT', '/v1/projects/{p}/clusters'],
];

const segment = fc.oneof(
  fc.constantFrom('default', 'demo', 'a', 'monitoring', 'op-1', ''),
  fc.string({ maxLength: 70 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom('%', '%zz', '..', '.', ':', '::stop', 'a%2Fb', '%00', 'Ω'),
);

const goodCluster = { metadata: { name: 'demo' }, spec: { nodeGroups: [{ name: 'a', count: 1 }] } };

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '{"__proto__":{"a":1}}',
    '{"constructor":{"prototype":{}}}',
    JSON.stringify(goodCluster),
  ),
  fc.record({ metadata: fc.jsonValue(), spec: fc.jsonValue() }).map((v) => JSON.stringify(v)),
  fc
    .record({
      path: fc.constantFrom(
        'controlPlane',
        'network',
        'nodeGroups',
        'zones',
        'version',
        'apiAccess',
        'addons',
        'count',
      ),
      value: fc.jsonValue(),
    })
    .map(({ path, value }) =>
      JSON.stringify({
        ...goodCluster,
        spec: { ...goodCluster.spec, [path]: value },
        version: value,
        name: value,
        role: value,
      }),
    ),
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/merge-patch+json',
      'text/plain',
      'application/xml',
      'application/json; charset=latin1',
      'multipart/form-data',
      'x',
    ),
    accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'application/yaml'),
    'idempotency-key': fc.string({ maxLength: 300 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    'last-event-id': fc.constantFrom('0', '-1', 'abc', '99999999999999999999', ''),
  },
  { requiredKeys: [] },
);

const query = fc.option(
  fc.record(
    {
      limit: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })),
      continue: fc.string({ maxLength: 20 }),
      since: fc.integer(),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const request = fc.record({
  route: fc.constantFrom(...ROUTES),
  p: segment,
  c: segment,
  x: segment,
  body,
  headers,
  query,
  auth: fc.oneof(fc.constant('admin'), fc.constant('none'), fc.string({ maxLength: 60 })),
});

for (const backend of storeBackends()) {
  describe(`random requests on ${backend.name}`, () => {
    let t: TestApp;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    test('never a 5xx other than 501, always a parseable answer', async () => {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const [method, template] = r.route;
          let url = template.replace('{p}', r.p).replace('{c}', r.c).replace('{x}', r.x);
          if (r.query)
            url += `?${new URLSearchParams(Object.entries(r.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
          const hdrs: Record<string, string> = { ...r.headers };
          if (r.auth === 'admin') hdrs.authorization = `Bearer ${t.adminSecret}`;
          else if (r.auth !== 'none') hdrs.authorization = r.auth;
          const response = await t.app.inject({
            method: method as 'GET',
            url,
            headers: hdrs,
            ...(r.body === undefined ? {} : { payload: r.body }),
          });
          const ok = response.statusCode < 500 || response.statusCode === 501;
          assert.ok(ok, `${method} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`);
          if (response.statusCode >= 400)
            assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        }),
        { numRuns: backend.name === 'sqlite' ? 600 : 250 },
      );
      assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    });
  });
}
