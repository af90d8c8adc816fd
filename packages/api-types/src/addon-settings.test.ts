import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '@berth/errors';
import { parseAddonSettings } from './addon-settings.js';

const refused = (field: string, message: RegExp) => (err: unknown) =>
  err instanceof BerthError &&
  err.code === 'BERTH_ERR_VALIDATION' &&
  err.field === field &&
  message.test(err.message);

test('ingress settings: strings become typed values, absent keys take defaults', () => {
  assert.deepEqual(parseAddonSettings('ingress', undefined), {
    replicas: 2,
    cpu: '100m',
    internal: false,
    tls: 'ingress',
  });
  assert.deepEqual(parseAddonSettings('ingress', { replicas: '3', internal: 'true', cpu: '2' }), {
    replicas: 3,
    cpu: '2',
    internal: true,
    tls: 'ingress',
  });
  assert.deepEqual(parseAddonSettings('ingress', { tls: 'loadbalancer', tlsSecret: 'lb-tls' }), {
    replicas: 2,
    cpu: '100m',
    internal: false,
    tls: 'loadbalancer',
    tlsSecret: 'lb-tls',
  });
});

test('a bad setting is refused naming the field', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ replicas: '0' }, 'config.replicas', /integer from 1 to 5/],
    [{ replicas: 'two' }, 'config.replicas', /not "two"/],
    [{ replicas: '2.5' }, 'config.replicas', /integer/],
    [{ internal: 'yes' }, 'config.internal', /"true" or "false"/],
    [{ cpu: 'lots' }, 'config.cpu', /CPU quantity/],
    [
      { replica: '2' },
      'config.replica',
      /no setting "replica"; settings: replicas, cpu, internal, tls, tlsSecret/,
    ],
    [{ tls: 'amphora' }, 'config.tls', /one of ingress, loadbalancer/],
    [{ tls: 'loadbalancer' }, 'config.tlsSecret', /needs tlsSecret/],
    [{ tlsSecret: 'lb-tls' }, 'config.tlsSecret', /needs tls=loadbalancer/],
    [{ tls: 'loadbalancer', tlsSecret: 'LB_tls' }, 'config.tlsSecret', /Kubernetes object name/],
  ];
  for (const [config, field, message] of cases)
    assert.throws(() => parseAddonSettings('ingress', config), refused(field, message));
  assert.throws(
    () => parseAddonSettings('velero', { a: 'b' }, 'spec.addons[0].config'),
    refused('spec.addons[0].config.a', /takes none/),
  );
});
