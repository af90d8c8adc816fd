import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoistTitledSchemas } from './openapi-hoist.js';

test('titled schemas move to components innermost first; equal ones share a name', () => {
  const inner = { title: 'Meta', type: 'object', properties: { name: { type: 'string' } } };
  const outer = { title: 'Thing', type: 'object', properties: { metadata: inner } };
  const doc = {
    openapi: '3.1.0',
    paths: {
      '/a': { get: { responses: { 200: { content: { 'application/json': { schema: outer } } } } } },
      '/b': {
        get: {
          responses: {
            200: { content: { 'application/json': { schema: { type: 'array', items: outer } } } },
          },
        },
      },
    },
  };
  const hoisted = hoistTitledSchemas(doc) as {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  assert.deepEqual(Object.keys(hoisted.components.schemas), ['Meta', 'Thing']);
  assert.deepEqual(hoisted.components.schemas.Thing, {
    title: 'Thing',
    type: 'object',
    properties: { metadata: { $ref: '#/components/schemas/Meta' } },
  });
  assert.match(
    JSON.stringify(hoisted.paths),
    /"items":\{"\$ref":"#\/components\/schemas\/Thing"\}/,
  );
  assert.equal(
    doc.paths['/a'].get.responses[200].content['application/json'].schema,
    outer,
    'input untouched',
  );
});

test('different schemas with one title get distinct names', () => {
  const a = { title: 'X', type: 'object', properties: { a: { type: 'string' } } };
  const b = { title: 'X', type: 'object', properties: { b: { type: 'string' } } };
  const doc = { paths: { '/a': { get: { schema: a } }, '/b': { get: { schema: b } } } };
  const hoisted = hoistTitledSchemas(doc) as { components: { schemas: Record<string, unknown> } };
  assert.deepEqual(Object.keys(hoisted.components.schemas), ['X', 'X2']);
});
