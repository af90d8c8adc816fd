/**
 * Rendered configs checked by the real tools: `nft -c` (parse and validate in the kernel,
 * apply nothing), `haproxy -c` and `keepalived --config-test`. Skipped where a tool is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcessRunner } from '@berth/exec';
import { firewallSpec, haproxySpec, keepalivedSpec, routerSpec } from './fixtures.js';
import { renderGuardTable } from './guard-nft.js';
import { renderRouterNat } from './router-nft.js';
import { renderServerFirewall } from './security-group-nft.js';
import { renderHaproxyConfig } from './haproxy-cfg.js';
import {
  renderCheckScript,
  renderKeepalivedConfig,
  renderNotifyScript,
} from './keepalived-conf.js';
import { replaceTableScript } from '../net/nft.js';
import { ROUTER_NAT_TABLE, SECURITY_GROUP_TABLE } from '../names.js';
import { skipUnless } from '@berth/test-kit';

const runner = new ProcessRunner();
const isRoot = process.getuid?.() === 0;

function hasTool(name: string): boolean {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => fs.existsSync(path.join(d, name)));
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-render-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test(
  'nft accepts the router, security-group and guard rulesets',
  { skip: skipUnless({ root: isRoot, nft: hasTool('nft') }) },
  async () => {
    const scripts = [
      replaceTableScript({ family: 'ip', name: ROUTER_NAT_TABLE }, renderRouterNat(routerSpec)),
      replaceTableScript(
        { family: 'inet', name: SECURITY_GROUP_TABLE },
        renderServerFirewall(firewallSpec),
      ),
      renderGuardTable({
        table: 'berth-guard',
        externalCidr: '198.18.0.0/24',
        externalBridge: 'berth-ext0',
        tenantCidrs: ['10.1.0.0/24', '10.0.0.0/24', '10.0.0.0/24'],
      }),
    ];
    for (const script of scripts) {
      await runner.run('nft', ['-c', '-f', '-'], { input: script });
    }
  },
);

test(
  'nft -c rejects a broken ruleset, so the check above can fail',
  { skip: skipUnless({ root: isRoot, nft: hasTool('nft') }) },
  async () => {
    const broken = renderRouterNat(routerSpec).replace('snat to', 'snat too');
    await assert.rejects(runner.run('nft', ['-c', '-f', '-'], { input: broken }));
  },
);

test(
  'haproxy -c accepts the rendered configuration',
  { skip: skipUnless({ haproxy: hasTool('haproxy') }) },
  async (t) => {
    const dir = tempDir(t);
    const pem = path.join(dir, 'tls.pem');
    await runner.run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      pem + '.key',
      '-out',
      pem + '.crt',
      '-days',
      '1',
      '-subj',
      '/CN=lb.test',
    ]);
    fs.writeFileSync(
      pem,
      fs.readFileSync(pem + '.crt', 'utf8') + fs.readFileSync(pem + '.key', 'utf8'),
    );
    const cfg = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(cfg, renderHaproxyConfig(haproxySpec(pem, path.join(dir, 'stats.sock'))));
    const out = await runner.run('haproxy', ['-c', '-f', cfg]);
    assert.match(out.stdout + out.stderr, /Configuration file is valid/);
  },
);

test(
  'keepalived --config-test accepts the rendered configuration',
  { skip: skipUnless({ keepalived: hasTool('keepalived') }) },
  async (t) => {
    const dir = tempDir(t);
    fs.chmodSync(dir, 0o755);
    const spec = keepalivedSpec(dir);
    fs.writeFileSync(spec.checkScriptPath, renderCheckScript(path.join(dir, 'haproxy.pid')), {
      mode: 0o755,
    });
    fs.writeFileSync(spec.notifyScriptPath, renderNotifyScript(path.join(dir, 'state')), {
      mode: 0o755,
    });
    const conf = path.join(dir, 'keepalived.conf');
    fs.writeFileSync(conf, renderKeepalivedConfig(spec));
    const out = await runner.run('keepalived', ['--config-test', '-f', conf], { check: false });
    assert.equal(out.exitCode, 0, out.stdout + out.stderr);
    fs.writeFileSync(
      conf,
      renderKeepalivedConfig(spec).replace('virtual_router_id 51', 'virtual_router_id 300'),
    );
    const bad = await runner.run('keepalived', ['--config-test', '-f', conf], { check: false });
    assert.notEqual(bad.exitCode, 0, 'a broken keepalived.conf must fail the config test');
  },
);
