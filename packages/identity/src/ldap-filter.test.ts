import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeFilterValue, renderFilter, usernameAttribute } from './ldap-filter.js';

test('RFC 4515 escaping: the five specials, control bytes and non-ASCII as \\XX', () => {
  const cases: [string, string][] = [
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['a(b)c', 'a\\28b\\29c'],
    ['back\\slash', 'back\\5cslash'],
    ['nul\0', 'nul\\00'],
    ['é', '\\c3\\a9'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
  ];
  for (const [input, expected] of cases) assert.equal(escapeFilterValue(input), expected, input);
});

test('renderFilter substitutes escaped values and leaves unknown placeholders', () => {
  assert.equal(
    renderFilter('(uid={username})', { username: 'x)(|(uid=*' }),
    '(uid=x\\29\\28|\\28uid=\\2a)',
  );
  assert.equal(
    renderFilter('(&(objectClass=user)(sAMAccountName={username}))', { username: 'alice' }),
    '(&(objectClass=user)(sAMAccountName=alice))',
  );
  assert.equal(renderFilter('(member={dn})', {}), '(member={dn})');
});

test('usernameAttribute finds the compared attribute', () => {
  assert.equal(usernameAttribute('(uid={username})'), 'uid');
  assert.equal(
    usernameAttribute('(&(objectClass=user)(sAMAccountName={username}))'),
    'sAMAccountName',
  );
  assert.equal(usernameAttribute('(|(mail={username}*))'), undefined);
});
