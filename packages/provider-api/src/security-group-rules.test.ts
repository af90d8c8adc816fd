import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSameRule, normalizeRuleInput } from './security-group-rules.js';

const base = { securityGroupId: 'sg-1', direction: 'ingress', protocol: 'tcp' } as const;

test('a single port fills both ends; absent remotes are null', () => {
  assert.deepEqual(normalizeRuleInput({ ...base, portRangeMin: 22 }), {
    ...base,
    portRangeMin: 22,
    portRangeMax: 22,
    remoteIpPrefix: null,
    remoteGroupId: null,
    description: '',
  });
});

test('rejects malformed rules naming the field', () => {
  const cases: [object, string][] = [
    [{ protocol: 'icmp', portRangeMin: 1 }, 'portRangeMin'],
    [{ portRangeMin: 10, portRangeMax: 9 }, 'portRangeMin'],
    [{ portRangeMin: 1, portRangeMax: 65536 }, 'portRangeMax'],
    [{ portRangeMin: 1.5 }, 'portRangeMin'],
    [{ remoteIpPrefix: '10.0.0.0/8', remoteGroupId: 'sg-2' }, 'remoteGroupId'],
    [{ remoteIpPrefix: '10.0.0.1/8' }, 'remoteIpPrefix'],
    [{ protocol: 'gre' }, 'protocol'],
    [{ direction: 'sideways' }, 'direction'],
  ];
  for (const [patch, field] of cases) {
    assert.throws(
      () => normalizeRuleInput({ ...base, ...patch } as never),
      { code: 'BERTH_ERR_VALIDATION', field },
      JSON.stringify(patch),
    );
  }
});

test('rules differing only in description are the same rule', () => {
  const a = normalizeRuleInput({ ...base, portRangeMin: 80, description: 'web' });
  const b = normalizeRuleInput({ ...base, portRangeMin: 80, portRangeMax: 80 });
  assert.equal(isSameRule(a, b), true);
  assert.equal(isSameRule(a, normalizeRuleInput({ ...base, portRangeMin: 81 })), false);
  assert.equal(
    isSameRule(a, normalizeRuleInput({ ...base, portRangeMin: 80, remoteIpPrefix: '0.0.0.0/0' })),
    false,
  );
});
