import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { BerthError } from '@berth/errors';
import { checker, createValidators, pointerToPath } from './validation.js';

test('JSON pointers become dotted paths with indexes', () => {
  assert.equal(pointerToPath('/spec/nodeGroups/0/count'), 'spec.nodeGroups[0].count');
  assert.equal(pointerToPath('/labels/a~1b', 'metadata'), 'metadata.labels["a/b"]');
  assert.equal(pointerToPath('', 'spec'), 'spec');
});

function fieldAndDetail(fn: () => unknown): [string | undefined, string] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BerthError);
    assert.equal(err.code, 'BERTH_ERR_VALIDATION');
    return [err.field, err.message];
  }
  assert.fail('expected a validation error');
}

test('errors name the field and say what is wrong', () => {
  const { body } = createValidators();
  const schema = Type.Object(
    {
      name: Type.String({ pattern: '^[a-z]+$', description: 'Lower-case letters.' }),
      count: Type.Unsafe<number>({ type: 'integer', enum: [1, 3, 5] }),
    },
    { additionalProperties: false },
  );
  const check = checker(body, schema, 'spec');
  assert.deepEqual(
    fieldAndDetail(() => check({ count: 1 })),
    ['spec.name', 'spec.name is required'],
  );
  assert.deepEqual(
    fieldAndDetail(() => check({ name: 'a', count: 2 })),
    ['spec.count', 'spec.count must be one of 1, 3, 5'],
  );
  assert.deepEqual(
    fieldAndDetail(() => check({ name: 'A', count: 1 })),
    ['spec.name', 'spec.name is not valid: Lower-case letters.'],
  );
  assert.deepEqual(
    fieldAndDetail(() => check({ name: 'a', count: 1, x: 1 })),
    ['spec.x', 'spec.x is not a known field'],
  );
  assert.deepEqual(
    fieldAndDetail(() => check({ name: 'a', count: '1' })),
    ['spec.count', 'spec.count must be integer'],
  );
});

test('query and path values are coerced; bodies are not', () => {
  const { body, params } = createValidators();
  const schema = Type.Object({ limit: Type.Integer() });
  const value = { limit: '5' };
  assert.equal(params.compile(schema)(value), true);
  assert.deepEqual(value, { limit: 5 });
  assert.equal(body.compile(schema)({ limit: '5' }), false);
});
