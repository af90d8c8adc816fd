import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBearerChallenge } from './challenge.js';
import { formatImageReference, parseImageReference } from './reference.js';

test('image references: registry, repository, tag or digest', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const cases: Array<[string, string, string, string]> = [
    ['198.18.0.1:5000/default/app:1.0', '198.18.0.1:5000', 'default/app', '1.0'],
    ['127.0.0.1:5000/berth/toolbox', '127.0.0.1:5000', 'berth/toolbox', 'latest'],
    [`r.example/a/b/c@${digest}`, 'r.example', 'a/b/c', digest],
  ];
  for (const [text, registry, repository, reference] of cases) {
    const parsed = parseImageReference(text);
    assert.deepEqual(parsed, { registry, repository, reference });
    assert.equal(
      formatImageReference(parsed),
      text.includes(':1.0') || text.includes('@') ? text : `${text}:latest`,
    );
  }
  for (const bad of ['app', 'h/UPPER:1', 'h/a:bad tag', 'h/a@sha256:12']) {
    assert.throws(() => parseImageReference(bad), { code: 'BERTH_ERR_VALIDATION' }, bad);
  }
});

test('Bearer challenges as distribution sends them', () => {
  assert.deepEqual(
    parseBearerChallenge(
      'Bearer realm="https://198.18.0.1:5000/auth/token",service="berth-registry",scope="repository:default/app:pull,push",error="insufficient_scope"',
    ),
    {
      realm: 'https://198.18.0.1:5000/auth/token',
      service: 'berth-registry',
      scope: 'repository:default/app:pull,push',
      error: 'insufficient_scope',
    },
  );
  assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
  assert.equal(parseBearerChallenge(undefined), undefined);
});
