/**
 * What every end-to-end test of the local provider needs: a test-unique name prefix and
 * external CIDR (so tests run side by side and never meet an operator's real `berth-`
 * objects), a temporary data dir, and probes that open TCP connections from inside a
 * namespace. Traffic stays on loopback and in namespaces the test created.
 */
import { cidrsOverlap, parseCidr } from '@berth/net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ProcessRunner, type CommandRunner } from '@berth/exec';
import { skipUnless } from '@berth/test-kit';
import assert from 'node:assert/strict';
import { checkLeaks } from '../leak-check.js';

export interface E2eEnv {
  runner: CommandRunner;
  prefix: string;
  externalCidr: string;
  /** `n`-th address of the external CIDR. */
  ext(n: number): string;
  dataDir: string;
  /** Opens a TCP connection from namespace `ns` (host when undefined); returns the answer line. */
  connect(ns: string | undefined, host: string, port: number, timeoutMs?: number): Promise<string>;
  /** argv that starts a probe listener answering "<name> <peer>" on `ports`. */
  listenArgv(name: string, ports: number[]): string[];
}

export const probeScript = fileURLToPath(new URL('./probe.js', import.meta.url));

/** The `skip` of a suite that needs real namespaces; fails under BERTH_E2E=required. */
export const e2eSkip = skipUnless({
  Linux: process.platform === 'linux',
  root: process.getuid?.() === 0,
  'ip (iproute2)': ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].some((p) => fs.existsSync(p)),
  nft: ['/usr/sbin/nft', '/sbin/nft'].some((p) => fs.existsSync(p)),
});

export async function createE2eEnv(): Promise<E2eEnv> {
  const runner = new ProcessRunner();
  const prefix = `e${randomBytes(2).toString('hex')}-`;
  const externalCidr = await pickExternalCidr(runner);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-${prefix}`));
  const base = externalCidr.split('.').slice(0, 3).join('.');
  return {
    runner,
    prefix,
    externalCidr,
    ext: (n) => `${base}.${n}`,
    dataDir,
    listenArgv: (name, ports) => [process.execPath, probeScript, 'listen', name, ports.join(',')],
    async connect(ns, host, port, timeoutMs = 2000) {
      const argv = [
        process.execPath,
        probeScript,
        'connect',
        host,
        String(port),
        String(timeoutMs),
      ];
      const [cmd, ...args] = ns === undefined ? argv : ['ip', 'netns', 'exec', ns, ...argv];
      const out = await runner.run(cmd as string, args, {
        check: false,
        timeoutMs: timeoutMs + 5000,
      });
      return out.stdout.trim();
    },
  };
}

/**
 * The end of a suite: nothing the run made is left (namespaces, links, nftables tables,
 * processes, mounts, cgroups, loop devices, files other than the empty inventory), then the
 * data dir goes. The data dir is removed even when something leaked, before the assertion.
 */
export async function assertNoLeaks(env: E2eEnv): Promise<void> {
  const leaks = await checkLeaks({
    runner: env.runner,
    prefix: env.prefix,
    dataDir: env.dataDir,
    allowFiles: ['inventory.json'],
  });
  fs.rmSync(env.dataDir, { recursive: true, force: true });
  assert.deepEqual(leaks, {
    namespaces: [],
    links: [],
    nftTables: [],
    processes: [],
    mounts: [],
    cgroups: [],
    loopDevices: [],
    files: [],
  });
}

/** A /24 in 198.18.0.0/15 (RFC 2544) that no host route touches yet. */
async function pickExternalCidr(runner: CommandRunner): Promise<string> {
  const routes = JSON.parse(
    (await runner.run('ip', ['-j', 'route', 'show'])).stdout || '[]',
  ) as Array<{
    dst: string;
  }>;
  const taken = routes
    .map((r) => (r.dst === 'default' ? undefined : r.dst.includes('/') ? r.dst : `${r.dst}/32`))
    .filter((d): d is string => d !== undefined)
    .map((d) => {
      try {
        return parseCidr(d);
      } catch {
        return undefined;
      }
    })
    .filter((c) => c !== undefined);
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = `198.${18 + randomInt(2)}.${1 + randomInt(254)}.0/24`;
    if (!taken.some((t) => cidrsOverlap(t, parseCidr(candidate)))) return candidate;
  }
  throw new Error('no free /24 in 198.18.0.0/15 for the test external network');
}
