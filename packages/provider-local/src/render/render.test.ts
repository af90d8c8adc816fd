import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertGolden as assertGoldenIn } from '@berth/test-kit';

import { firewallSpec, haproxySpec, keepalivedSpec, routerSpec } from './fixtures.js';
import { renderGuardTable } from './guard-nft.js';
import { renderRouterNat } from './router-nft.js';
import { renderRule, renderServerFirewall } from './security-group-nft.js';
import { renderHaproxyConfig } from './haproxy-cfg.js';
import { expectedCodesPattern } from './haproxy-health.js';
import {
  renderCheckScript,
  renderKeepalivedConfig,
  renderNotifyScript,
} from './keepalived-conf.js';

const TESTDATA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'src',
  'render',
  'testdata',
);
const assertGolden = (name: string, actual: string) => assertGoldenIn(TESTDATA, name, actual);

test('guard table: external CIDR only via the bridge, no host packets to tenant subnets, no forwarding out of the bridge', () => {
  assertGolden(
    'guard.nft',
    renderGuardTable({
      table: 'berth-guard',
      externalCidr: '198.18.0.0/24',
      externalBridge: 'berth-ext0',
      tenantCidrs: ['10.1.0.0/24', '10.0.0.0/24', '10.0.0.0/24'],
    }),
  );
});

test('router ruleset: SNAT, 1:1 floating IPs sorted, hairpin, external forward filter', () => {
  assertGolden('router.nft', renderRouterNat(routerSpec));
});

test('security group ruleset follows Neutron semantics', () => {
  assertGolden('security-group.nft', renderServerFirewall(firewallSpec));
});

test('a remote group without members renders no rule rather than an empty set', () => {
  const rule = {
    id: 'r',
    direction: 'ingress',
    ethertype: 'IPv4',
    remoteGroupAddresses: [],
  } as const;
  assert.deepEqual(renderRule({ ...rule, remoteGroupAddresses: [] }), []);
});

test('egress is dropped when no egress rule exists', () => {
  const text = renderServerFirewall({ iface: 'eth0', rules: [] });
  const egress = text.slice(text.indexOf('chain egress'));
  assert.match(
    egress,
    /ct state established,related accept\n\t\tct state invalid drop\n\t\tcounter drop/,
  );
});

test('haproxy.cfg: listeners, pools, monitors, PROXY protocol, stats socket', () => {
  assertGolden(
    'haproxy.cfg',
    renderHaproxyConfig(haproxySpec('/certs/tls.pem', '/run/lb-1/stats.sock')),
  );
});

test('expected codes expand to an anchored regex', () => {
  assert.equal(expectedCodesPattern('200'), '^(200)$');
  assert.equal(expectedCodesPattern('200,202'), '^(200|202)$');
  assert.equal(expectedCodesPattern('200-203'), '^(200|201|202|203)$');
});

test('keepalived.conf and its scripts', () => {
  assertGolden('keepalived.conf', renderKeepalivedConfig(keepalivedSpec('/var/lib/berth/amp-a')));
  assertGolden('check-haproxy.sh', renderCheckScript('/var/lib/berth/amp-a/haproxy.pid'));
  assertGolden('notify.sh', renderNotifyScript('/var/lib/berth/amp-a/vrrp-state'));
});
