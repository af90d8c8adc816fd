import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { OPENAPI_FILE, renderOpenApi } from './openapi-document.js';

test('api/openapi.json matches the route schemas (run `npm run openapi -w @berth/server`)', async () => {
  const rendered = await renderOpenApi();
  const committed = fs.readFileSync(OPENAPI_FILE, 'utf8');
  assert.ok(
    rendered === committed,
    'api/openapi.json is stale: regenerate it with `npm run openapi -w @berth/server`',
  );
});

test('the document is OpenAPI 3.1 with an operationId and error responses on every operation', async () => {
  const doc = JSON.parse(await renderOpenApi()) as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { operationId?: string; responses?: Record<string, unknown> }>
    >;
  };
  assert.equal(doc.openapi, '3.1.0');
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      assert.ok(operation.operationId, `${method} ${path} has no operationId`);
      assert.ok(!ids.has(operation.operationId), `duplicate operationId ${operation.operationId}`);
      ids.add(operation.operationId);
      if (path.startsWith('/v1/'))
        assert.ok(
          operation.responses?.['4XX'] ?? operation.responses?.['4xx'],
          `${method} ${path} documents no 4xx`,
        );
    }
  }
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  const schemas = (doc as unknown as { components: { schemas: Record<string, unknown> } })
    .components.schemas;
  assert.ok(refs.length > 0);
  for (const ref of refs) assert.ok(schemas[ref], `dangling $ref ${ref}`);
  for (const required of [
    '/v1/projects/{project}/clusters/{cluster}:upgrade',
    '/v1/operations/{id}',
    '/v1/projects/{project}/floatingips',
  ]) {
    assert.ok(doc.paths[required], `${required} is missing`);
  }
});
