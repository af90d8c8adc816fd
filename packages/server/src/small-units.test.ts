import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { versionsFromManifest } from './catalog.js';
import { canonicalJson } from './idempotency.js';
import { parseListen } from './listen.js';
import { addonPolicyFromEnv, repairDelayFromEnv } from './server-env.js';

test('versions come from the manifest, newest first, with exact patches and upgrade targets', () => {
  const versions = versionsFromManifest({
    defaultRelease: '1.36',
    releases: {
      '1.9': { kubernetes: { version: 'v1.9.1' } },
      '1.34': { kubernetes: { version: 'v1.34.10' } },
      '1.36': { kubernetes: { version: 'v1.36.3' } },
      '1.35': { kubernetes: { version: 'v1.35.4' } },
    },
    endOfSupport: {
      $comment: 'ignored',
      '1.9': '2018-09-29',
      '1.34': '2026-10-27',
      '1.35': '2027-02-28',
      '1.36': '2027-06-28',
    },
  });
  assert.deepEqual(versions, [
    { version: '1.36', patch: '1.36.3', default: true, endOfSupport: '2027-06-28', upgradesTo: [] },
    {
      version: '1.35',
      patch: '1.35.4',
      default: false,
      endOfSupport: '2027-02-28',
      upgradesTo: ['1.36.3'],
    },
    {
      version: '1.34',
      patch: '1.34.10',
      default: false,
      endOfSupport: '2026-10-27',
      upgradesTo: ['1.35.4'],
    },
    // 1.10 is not offered: nothing to upgrade to (one minor at a time).
    { version: '1.9', patch: '1.9.1', default: false, endOfSupport: '2018-09-29', upgradesTo: [] },
  ]);
  assert.throws(() => versionsFromManifest({ releases: {} }), /defaultRelease/);
  assert.throws(
    () => versionsFromManifest({ defaultRelease: '1.1', releases: { '1.1': {} } }),
    /no kubernetes version/,
  );
  assert.throws(
    () =>
      versionsFromManifest({
        defaultRelease: '1.1',
        releases: { '1.1': { kubernetes: { version: 'v1.1.0' } } },
        endOfSupport: { '1.1': 'soon' },
      }),
    /release 1\.1 has no endOfSupport date/,
  );
});

test("the repository's manifest: 1.34–1.37, default the newest, each upgrading to the next", () => {
  const versions = versionsFromManifest(
    JSON.parse(readFileSync(new URL('../../../components/versions.json', import.meta.url), 'utf8')),
  );
  assert.deepEqual(
    versions.map((v) => v.version),
    ['1.37', '1.36', '1.35', '1.34'],
  );
  assert.equal(versions.find((v) => v.default)?.version, '1.37');
  for (const [i, v] of versions.entries()) {
    assert.deepEqual(v.upgradesTo, i === 0 ? [] : [versions[i - 1]?.patch]);
    assert.match(v.endOfSupport, /^\d{4}-\d{2}-\d{2}$/);
  }
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

test('the addon readiness timeout comes from the environment; a bad value names the variable', () => {
  const name = 'BERTH_ADDON_READY_TIMEOUT_SECONDS';
  assert.deepEqual(addonPolicyFromEnv({}), {});
  assert.deepEqual(addonPolicyFromEnv({ [name]: '60' }), { readyTimeoutMs: 60_000 });
  assert.throws(() => addonPolicyFromEnv({ [name]: 'later' }), new RegExp(`${name} must be`));
});
