import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeGroupFlag, parseTaint } from './nodegroup-spec.js';

test('the full mini-language', () => {
  assert.deepEqual(
    parseNodeGroupFlag(
      'web:flavor=std-2-4,count=3,zone=az1,label=tier=web,label=team=a,taint=dedicated=web:NoSchedule,min=1,max=10,autoscale',
    ),
    {
      name: 'web',
      flavor: 'std-2-4',
      count: 3,
      zone: 'az1',
      labels: { tier: 'web', team: 'a' },
      taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
      autoscaling: { min: 1, max: 10, enabled: true },
    },
  );
});

test('a bare name, and the remaining keys', () => {
  assert.deepEqual(parseNodeGroupFlag('default'), { name: 'default' });
  assert.deepEqual(
    parseNodeGroupFlag(
      'gpu:taint=nvidia.com/gpu:NoExecute,autoscale=false,max-unavailable=25%,volume-type=hdd,volume-size=50,runtime=simulated',
    ),
    {
      name: 'gpu',
      runtime: 'simulated',
      taints: [{ key: 'nvidia.com/gpu', value: '', effect: 'NoExecute' }],
      autoscaling: { enabled: false },
      maxUnavailable: '25%',
      volume: { type: 'hdd', sizeGb: 50 },
    },
  );
});

const bad: Array<[string, RegExp]> = [
  ['web:flavr=x', /^--nodegroup "web:flavr=x": unknown key "flavr" in "flavr=x" \(known: flavor, /],
  ['web:count=three', /: count "three" must be a whole number from 0 to 500$/],
  ['web:runtime=docker', /: runtime "docker" must be containerd or simulated$/],
  ['web:count=501', /count "501" must be a whole number from 0 to 500/],
  ['web:count=1,count=2', /: "count" is given twice$/],
  ['web:count=1,', /: empty item/],
  ['web:', /: empty item/],
  ['web:flavor', /: "flavor" needs a value: flavor=…$/],
  ['web:label=novalue', /: label "novalue" must be key=value$/],
  [
    'web:taint=k=v:Never',
    /: taint "k=v:Never": effect must be one of NoSchedule, PreferNoSchedule, NoExecute$/,
  ],
  ['web:taint=k=v', /: taint "k=v" must be key=value:Effect or key:Effect$/],
  ['web:min=5,max=2', /: min=5 is greater than max=2$/],
  ['web:autoscale=yes', /: autoscale="yes" must be true or false/],
  [
    'web:max-unavailable=half',
    /max-unavailable "half" must be a number of servers or a percentage/,
  ],
  [':count=3', /: the node group needs a name before the ":"/],
  ['Web:count=3', /: node group name "Web" must be lower-case/],
  ['a-very-long-node-group-name', /at most 16 characters/],
  ['flavor=x,count=3', /start with the node group's name: NAME:flavor=x,count=3$/],
];

for (const [text, message] of bad) {
  test(`rejects ${text}`, () => {
    assert.throws(
      () => parseNodeGroupFlag(text),
      (err: Error) => {
        assert.equal(err.name, 'UsageError');
        assert.match(err.message, message);
        assert.ok(err.message.startsWith(`--nodegroup "${text}": `), err.message);
        return true;
      },
    );
  });
}

test('taints with and without a value', () => {
  assert.deepEqual(parseTaint('a=b:PreferNoSchedule'), {
    key: 'a',
    value: 'b',
    effect: 'PreferNoSchedule',
  });
  assert.deepEqual(parseTaint('a:NoSchedule'), { key: 'a', value: '', effect: 'NoSchedule' });
  assert.throws(() => parseTaint('=b:NoSchedule'), /has no key/);
});
