import { test } from 'node:test';
import assert from 'node:assert/strict';
import { versionsFromManifest } from './catalog.js';
import { canonicalJson } from './idempotency.js';
import { parseListen } from './listen.js';
import { repairDelayFromEnv } from './server-env.js';

test('versions come from the manifest, newest first, with exact patches', () => {
  const versions = versionsFromManifest({
    defaultRelease: '1.34',
    releases: {
      '1.9': { kubernetes: { version: 'v1.9.1' } },
      '1.34': { kubernetes: { version: 'v1.34.10' } },
      '1.33': { kubernetes: { version: 'v1.33.13' } },
    },
  });
  assert.deepEqual(versions, [
    { version: '1.34', patch: '1.34.10', default: true },
    { version: '1.33', patch: '1.33.13', default: false },
    { version: '1.9', patch: '1.9.1', default: false },
  ]);
  assert.throws(() => versionsFromManifest({ releases: {} }), /defaultRelease/);
  assert.throws(
    () => versionsFromManifest({ defaultRelease: '1.1', releases: { '1.1': {} } }),
    /no kubernetes version/,
  );
});

test('canonical JSON ignores key order, keeps array order', () => {
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] }), '{"a":[2,{"c":2,"d":1}],"b":1}');
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  assert.equal(canonicalJson(undefined), 'null');
});

test('listen addresses: host:port and [ipv6]:port', () => {
  assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.throws(() => parseListen('8080'), /HOST:PORT/);
  assert.throws(() => parseListen('a:70000'), /HOST:PORT/);
});

test('self-healing delays come from the environment; bad values name the variable', () => {
  const master = 'BERTH_MASTER_REPLACE_AFTER_SECONDS';
  const node = 'BERTH_NODE_REPAIR_AFTER_SECONDS';
  assert.deepEqual(repairDelayFromEnv({}, master), {});
  assert.deepEqual(repairDelayFromEnv({ [master]: '15' }, master), { replaceAfterMs: 15_000 });
  assert.deepEqual(repairDelayFromEnv({ [master]: '15' }, node), {});
  assert.deepEqual(repairDelayFromEnv({ [node]: '0.5' }, node), { replaceAfterMs: 500 });
  for (const bad of ['soon', '-1'])
    assert.throws(
      () => repairDelayFromEnv({ [node]: bad }, node),
      /BERTH_NODE_REPAIR_AFTER_SECONDS must be a number ≥ 0/,
    );
});
