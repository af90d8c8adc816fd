import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storeBackends } from '@berth/store/testing';
import { client, problemOf, testApp, type Client, type TestApp } from './testing/app.js';

const BASE = '/v1/projects/default/clusters';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** [what, body, status, code, field] for POST /clusters. */
const badCreates: Array<[string, unknown, number, string, string | undefined]> = [
  ['missing name', { metadata: {} }, 400, 'BERTH_ERR_VALIDATION', 'metadata.name'],
  ['missing metadata', { spec: {} }, 400, 'BERTH_ERR_VALIDATION', 'metadata'],
  [
    'wrong type',
    { metadata: { name: 'x' }, spec: { controlPlane: { count: '3' } } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.controlPlane.count',
  ],
  [
    'master count 2',
    { metadata: { name: 'x' }, spec: { controlPlane: { count: 2 } } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.controlPlane.count',
  ],
  [
    'bad CIDR',
    { metadata: { name: 'x' }, spec: { network: { subnetCidr: '10.0.0/24' } } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.network.subnetCidr',
  ],
  [
    'host bits',
    { metadata: { name: 'x' }, spec: { network: { subnetCidr: '10.0.0.1/24' } } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.network.subnetCidr',
  ],
  [
    'overlap',
    { metadata: { name: 'x' }, spec: { network: { servicesCidr: '10.100.0.0/24' } } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.network.servicesCidr',
  ],
  [
    'unknown field',
    { metadata: { name: 'x' }, spec: { colour: 'red' } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.colour',
  ],
  ['upper-case name', { metadata: { name: 'Demo' } }, 400, 'BERTH_ERR_VALIDATION', 'metadata.name'],
  [
    'too many nodes',
    { metadata: { name: 'x' }, spec: { nodeGroups: [{ name: 'a', count: 501 }] } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.nodeGroups[0].count',
  ],
  [
    'unknown flavor',
    { metadata: { name: 'x' }, spec: { nodeGroups: [{ name: 'a', flavor: 'xl' }] } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.nodeGroups[0].flavor',
  ],
  [
    'bad taint',
    {
      metadata: { name: 'x' },
      spec: { nodeGroups: [{ name: 'a', taints: [{ key: 'k', value: 'v', effect: 'Never' }] }] },
    },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.nodeGroups[0].taints[0].effect',
  ],
  [
    'unsupported version',
    { metadata: { name: 'x' }, spec: { version: '1.20' } },
    400,
    'BERTH_ERR_VALIDATION',
    'spec.version',
  ],
  ['not an object', [1, 2], 400, 'BERTH_ERR_VALIDATION', undefined],
];

for (const backend of storeBackends()) {
  describe(`input errors on ${backend.name}`, () => {
    let t: TestApp;
    let api: Client;

    before(async () => {
      await backend.setUp();
      t = await testApp(await backend.open());
      api = client(t.app, t.adminSecret);
    });
    after(async () => {
      try {
        await t?.app.close();
        await t?.store.close();
      } finally {
        await backend.tearDown();
      }
    });

    for (const [what, body, status, code, field] of badCreates) {
      test(`create with ${what} → ${status} ${code} ${field ?? ''}`, async () => {
        const reply = await api.post(BASE, body);
        assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
        const expected: Record<string, unknown> = { status, code };
        if (field !== undefined) expected.field = field;
        assert.deepEqual(problemOf(reply), expected, reply.text);
        assert.equal(reply.body.status, status);
        assert.ok(reply.body.detail.length > 0);
      });
    }

    test('malformed transport: bad JSON 400, wrong content type 415, empty JSON body 400, huge body 413', async () => {
      assert.deepEqual(problemOf(await api.send('POST', BASE, '{"metadata":', JSON_HEADERS)), {
        status: 400,
        code: 'BERTH_ERR_BAD_REQUEST',
      });
      assert.deepEqual(
        problemOf(
          await api.send('POST', BASE, 'name=x', {
            'content-type': 'application/x-www-form-urlencoded',
          }),
        ),
        {
          status: 415,
          code: 'BERTH_ERR_UNSUPPORTED_MEDIA_TYPE',
        },
      );
      assert.deepEqual(
        problemOf(await api.send('POST', BASE, 'x', { 'content-type': 'text/plain' })),
        { status: 415, code: 'BERTH_ERR_UNSUPPORTED_MEDIA_TYPE' },
      );
      assert.equal((await api.send('POST', BASE, '', JSON_HEADERS)).status, 400);
      const huge = JSON.stringify({
        metadata: { name: 'x', labels: { a: 'b'.repeat(2 * 1024 * 1024) } },
      });
      assert.deepEqual(problemOf(await api.send('POST', BASE, huge, JSON_HEADERS)), {
        status: 413,
        code: 'BERTH_ERR_PAYLOAD_TOO_LARGE',
      });
      assert.deepEqual(
        problemOf(await api.send('POST', BASE, '{"__proto__":{"x":1}}', JSON_HEADERS)),
        { status: 400, code: 'BERTH_ERR_BAD_REQUEST' },
      );
    });

    test('query, path and route errors', async () => {
      assert.deepEqual(problemOf(await api.get(`${BASE}?limit=0`)), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'limit',
      });
      assert.deepEqual(problemOf(await api.get(`${BASE}?limit=abc`)), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'limit',
      });
      assert.deepEqual(problemOf(await api.get(`${BASE}?continue=%%%`)), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'continue',
      });
      assert.deepEqual(problemOf(await api.get(`${BASE}?colour=red`)), {
        status: 400,
        code: 'BERTH_ERR_VALIDATION',
        field: 'colour',
      });
      assert.deepEqual(problemOf(await api.get('/v1/nothing/here')), {
        status: 404,
        code: 'BERTH_ERR_NOT_FOUND',
      });
      assert.deepEqual(problemOf(await api.get('/v1/projects/ghost')), {
        status: 404,
        code: 'BERTH_ERR_PROJECT_NOT_FOUND',
      });
      assert.deepEqual(problemOf(await api.get('/v1/operations/op-missing')), {
        status: 404,
        code: 'BERTH_ERR_OPERATION_NOT_FOUND',
      });
      assert.deepEqual(problemOf(await api.send('PUT', BASE)), {
        status: 404,
        code: 'BERTH_ERR_NOT_FOUND',
      });
      assert.deepEqual(problemOf(await api.post(`${BASE}/x:reboot`)), {
        status: 404,
        code: 'BERTH_ERR_NOT_FOUND',
      });
    });

    test('PATCH needs a JSON body; a stale resourceVersion is 409 even for no-op patches', async () => {
      assert.equal((await api.post(BASE, { metadata: { name: 'p' } })).status, 202);
      assert.deepEqual(problemOf(await api.patch(`${BASE}/p`, 'not json')), {
        status: 400,
        code: 'BERTH_ERR_BAD_REQUEST',
      });
      assert.deepEqual(
        problemOf(await api.patch(`${BASE}/p`, '{}', { 'content-type': 'application/xml' })),
        { status: 415, code: 'BERTH_ERR_UNSUPPORTED_MEDIA_TYPE' },
      );
      assert.deepEqual(
        problemOf(await api.patch(`${BASE}/p`, { metadata: { resourceVersion: '1' } })),
        {
          status: 409,
          code: 'BERTH_ERR_STALE_RESOURCE_VERSION',
          field: 'metadata.resourceVersion',
        },
      );
    });
  });
}
