import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import {
  allowedActions,
  BERTH_PLATFORM,
  grantAccess,
  parseScopes,
  type RegistryPrincipal,
} from './access.js';
import { decodeRegistryToken } from './jwt.js';
import { RegistryTokenService } from './token-service.js';

const viewer: RegistryPrincipal = { subject: 'token:v', project: 'alpha', role: 'viewer' };
const member: RegistryPrincipal = { subject: 'token:m', project: 'alpha', role: 'member' };
const admin: RegistryPrincipal = { subject: 'token:a', project: 'alpha', role: 'admin' };
const platformViewer: RegistryPrincipal = { subject: 'token:pv', project: null, role: 'viewer' };
const platformAdmin: RegistryPrincipal = { subject: 'token:pa', project: null, role: 'admin' };

test('the authorization matrix: role in the repository project, public berth/*', () => {
  const cases: Array<[string, RegistryPrincipal | undefined, string, string[]]> = [
    ['viewer pulls its project', viewer, 'alpha/app', ['pull']],
    ['member pushes its project', member, 'alpha/app', ['pull', 'push']],
    ['admin pushes its project', admin, 'alpha/team/app', ['pull', 'push']],
    ['viewer of another project: nothing', viewer, 'beta/app', []],
    ['member of another project: nothing', member, 'beta/app', []],
    ['admin of another project: nothing', admin, 'beta/app', []],
    ['anonymous: nothing in a project', undefined, 'alpha/app', []],
    ['anonymous pulls berth/*', undefined, 'berth/toolbox', ['pull']],
    ['a member pulls berth/*, never pushes', member, 'berth/pause', ['pull']],
    ['a platform admin pulls berth/*, never pushes', platformAdmin, 'berth/pause', ['pull']],
    ['Berth itself pushes berth/*', BERTH_PLATFORM, 'berth/pause', ['pull', 'push']],
    ['Berth itself has nothing in projects', BERTH_PLATFORM, 'alpha/app', []],
    ['a platform viewer pulls any project', platformViewer, 'beta/app', ['pull']],
    ['a platform admin pushes any project', platformAdmin, 'beta/app', ['pull', 'push']],
    ['one-segment repositories belong to nobody', platformAdmin, 'app', []],
    [
      'a project named like berth/ gets no push there',
      { ...member, project: 'berth' },
      'berth/x',
      ['pull'],
    ],
  ];
  for (const [name, principal, repository, expected] of cases)
    assert.deepEqual(allowedActions(principal, repository), expected, name);
});

test('scopes: several per parameter, wildcard, other resource types never granted', () => {
  const requested = parseScopes([
    'repository:alpha/app:pull,push repository:berth/toolbox:pull',
    'registry:catalog:*',
    'repository:alpha/app:delete',
    'garbage',
    'repository:beta/app:*',
  ]);
  assert.equal(requested.length, 5);
  assert.deepEqual(grantAccess(member, requested), [
    { type: 'repository', name: 'alpha/app', actions: ['pull', 'push'] },
    { type: 'repository', name: 'berth/toolbox', actions: ['pull'] },
  ]);
  assert.deepEqual(grantAccess(viewer, parseScopes(['repository:alpha/app:*'])), [
    { type: 'repository', name: 'alpha/app', actions: ['pull'] },
  ]);
  assert.deepEqual(grantAccess(undefined, requested), [
    { type: 'repository', name: 'berth/toolbox', actions: ['pull'] },
  ]);
});

function service(now = new Date('2026-12-01T10:00:00Z')) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const secrets: Record<string, RegistryPrincipal> = { berth_v: viewer, berth_m: member };
  const tokens = new RegistryTokenService({
    // The certificate only travels in x5c here; the integration test uses real ones.
    signer: {
      certPem: '-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n',
      keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
    issuer: 'berth',
    service: 'berth-registry',
    authenticate: async (_user, password) => secrets[password],
    now: () => now,
  });
  return { tokens, publicKey };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('the token endpoint: Basic credentials, any username, ES256 JWT with granted access', async () => {
  const { tokens, publicKey } = service();
  const reply = await tokens.handle({
    method: 'GET',
    authorization: basic('whoever', 'berth_m'),
    query: new URLSearchParams('service=berth-registry&scope=repository:alpha/app:pull,push'),
  });
  assert.equal(reply.status, 200);
  const token = reply.body.token as string;
  assert.equal(reply.body.access_token, token);
  assert.equal(reply.body.expires_in, 300);
  const [h, p, s] = token.split('.');
  assert.ok(
    verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s!, 'base64url'),
    ),
  );
  const { header, payload } = decodeRegistryToken(token);
  assert.deepEqual(header, { alg: 'ES256', typ: 'JWT', x5c: ['AAEC'] });
  assert.equal(payload.iss, 'berth');
  assert.equal(payload.aud, 'berth-registry');
  assert.equal(payload.sub, 'token:m');
  assert.equal(payload.exp, Date.parse('2026-12-01T10:05:00Z') / 1000);
  assert.deepEqual(payload.access, [
    { type: 'repository', name: 'alpha/app', actions: ['pull', 'push'] },
  ]);
});

test('the token endpoint: viewer gets pull only, anonymous gets berth/* only, bad credentials 401', async () => {
  const { tokens } = service();
  const scope = new URLSearchParams();
  scope.append('scope', 'repository:alpha/app:pull,push');
  scope.append('scope', 'repository:berth/toolbox:pull');
  const access = async (authorization?: string) => {
    const reply = await tokens.handle({ method: 'GET', authorization, query: scope });
    return reply.status === 200
      ? decodeRegistryToken(reply.body.token as string).payload.access
      : reply.status;
  };
  assert.deepEqual(await access(basic('u', 'berth_v')), [
    { type: 'repository', name: 'alpha/app', actions: ['pull'] },
    { type: 'repository', name: 'berth/toolbox', actions: ['pull'] },
  ]);
  assert.deepEqual(await access(undefined), [
    { type: 'repository', name: 'berth/toolbox', actions: ['pull'] },
  ]);
  assert.equal(await access(basic('u', 'berth_wrong')), 401);
  assert.equal(await access('Bearer whatever'), 401);
  const denied = await tokens.handle({
    method: 'GET',
    authorization: basic('u', 'nope'),
    query: scope,
  });
  assert.equal(denied.headers['www-authenticate'], 'Basic realm="berth-registry"');
  assert.ok(!JSON.stringify(denied).includes('nope'), 'the password is never echoed');
});

test('the token endpoint: OAuth2 password grant by POST; other grants 400', async () => {
  const { tokens } = service();
  const ok = await tokens.handle({
    method: 'POST',
    query: new URLSearchParams(),
    form: new URLSearchParams(
      'grant_type=password&username=x&password=berth_m&scope=repository:alpha/app:push&service=berth-registry',
    ),
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(decodeRegistryToken(ok.body.access_token as string).payload.access, [
    { type: 'repository', name: 'alpha/app', actions: ['push'] },
  ]);
  const refresh = await tokens.handle({
    method: 'POST',
    query: new URLSearchParams(),
    form: new URLSearchParams('grant_type=refresh_token&refresh_token=x'),
  });
  assert.equal(refresh.status, 400);
});
