import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { clusterAudience, ClusterTokenIssuer, generateSigningKey } from './cluster-tokens.js';

const ISSUER = 'https://198.18.0.1:5000/oidc';

test('a cluster token verifies against the served JWKS for its cluster only, and expires', async () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const issuer = new ClusterTokenIssuer({
    issuerUrl: ISSUER,
    privateKeyPem: generateSigningKey(),
    ttlMs: 300_000,
    now: () => now,
  });
  const { token, expiresAt } = await issuer.mint({
    clusterUid: 'uid-a',
    username: 'alice',
    groups: ['devs'],
  });
  assert.equal(expiresAt, now + 300_000);
  const keys = createLocalJWKSet(JSON.parse((await issuer.document('/oidc/jwks'))!));
  const at = new Date(now + 1_000);
  const { payload, protectedHeader } = await jwtVerify(token, keys, {
    issuer: ISSUER,
    audience: clusterAudience('uid-a'),
    currentDate: at,
  });
  assert.equal(payload.sub, 'alice');
  assert.deepEqual(payload.groups, ['devs']);
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(protectedHeader.kid, (await issuer.publicJwk()).kid);
  await assert.rejects(
    jwtVerify(token, keys, { issuer: ISSUER, audience: clusterAudience('uid-b'), currentDate: at }),
    { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  );
  await assert.rejects(
    jwtVerify(token, keys, {
      issuer: ISSUER,
      audience: clusterAudience('uid-a'),
      currentDate: new Date(now + 301_000),
    }),
    { code: 'ERR_JWT_EXPIRED' },
  );
  now += 1;
  const other = new ClusterTokenIssuer({ issuerUrl: ISSUER, privateKeyPem: generateSigningKey() });
  const forged = await other.mint({ clusterUid: 'uid-a', username: 'alice', groups: [] });
  await assert.rejects(jwtVerify(forged.token, keys, { issuer: ISSUER }));
});

test('discovery names the issuer and its JWKS; other paths are not documents', async () => {
  const issuer = new ClusterTokenIssuer({ issuerUrl: ISSUER, privateKeyPem: generateSigningKey() });
  const discovery = JSON.parse((await issuer.document('/oidc/.well-known/openid-configuration'))!);
  assert.equal(discovery.issuer, ISSUER);
  assert.equal(discovery.jwks_uri, `${ISSUER}/jwks`);
  assert.equal(await issuer.document('/oidc/other'), undefined);
  assert.equal(await issuer.document('/jwks'), undefined);
  const jwk = await issuer.publicJwk();
  assert.equal(jwk.d, undefined, 'the private part is never published');
  assert.throws(() => new ClusterTokenIssuer({ issuerUrl: 'http://x/oidc', privateKeyPem: '' }));
});
