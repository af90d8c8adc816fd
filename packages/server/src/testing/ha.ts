/**
 * Test-side tools for the high-availability drills: a client loop that asks a cluster's API
 * `/readyz` through its load balancer (a new connection each time, as a fresh kubectl would),
 * what that loop saw around a fault, and white-box fault injection on the local provider's
 * amphorae and masters, reading the provider's inventory the way an operator with root would.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { namespaceNames, SERVER_IFACE } from '@berth/provider-local';
import { crashServerProcesses, type Json } from './e2e.js';

const run = promisify(execFile);

export interface Probe {
  /** ms since the loop started. */
  at: number;
  ok: boolean;
  detail: string;
}

export interface ProbeLoop {
  readonly started: number;
  readonly probes: Probe[];
  stop(): Promise<Probe[]>;
}

/**
 * `GET /readyz` (or `path`) every `intervalMs` with the kubeconfig's credentials, each bounded
 * by `timeoutMs`: short to time an address move, longer (as kubectl's) to tell a slow answer —
 * etcd electing a leader — from none. A planned roll probes an ordinary request instead: an API
 * server shutting down answers /readyz 500 on purpose (so load balancers drain it) while it
 * still serves requests.
 */
export function startReadyzLoop(
  kubeconfig: string,
  intervalMs = 50,
  timeoutMs = 1_000,
  path = '/readyz',
): ProbeLoop {
  const config = parse(fs.readFileSync(kubeconfig, 'utf8')) as Json;
  const cluster = config.clusters[0].cluster;
  const user = config.users[0].user;
  const url = new URL(path, cluster.server as string);
  const tls = {
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
    cert: Buffer.from(user['client-certificate-data'], 'base64'),
    key: Buffer.from(user['client-key-data'], 'base64'),
  };
  const started = Date.now();
  const probes: Probe[] = [];
  let running = true;
  const once = () =>
    new Promise<Probe>((resolve) => {
      const at = Date.now() - started;
      const req = https.get(url, { ...tls, agent: false, timeout: timeoutMs }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ at, ok: res.statusCode === 200, detail: `${res.statusCode} ${body.trim()}` }),
        );
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (err) => resolve({ at, ok: false, detail: err.message }));
    });
  const loop = (async () => {
    while (running) {
      const t = Date.now();
      probes.push(await once());
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - t))));
    }
  })();
  return {
    started,
    probes,
    /** Idempotent; the loop keeps the process alive until it is stopped. */
    stop: async () => {
      running = false;
      await loop;
      return probes;
    },
  };
}

export interface FaultOutcome {
  /** Failed probes sent after the fault. */
  failed: number;
  /** ms from the fault to the first success that no failure follows; 0 when none failed. */
  recoveredAfterMs: number;
  /** Failures after the first success that followed the fault (should be none). */
  failedAfterRecovery: number;
  samples: string[];
}

/** What the loop saw from `faultAt` (ms on the loop's clock) on. */
export function outcomeOf(probes: Probe[], faultAt: number): FaultOutcome {
  const after = probes.filter((p) => p.at >= faultAt);
  const failures = after.filter((p) => !p.ok);
  const firstFailure = failures[0];
  const firstSuccess =
    firstFailure === undefined ? undefined : after.find((p) => p.ok && p.at > firstFailure.at);
  const afterRecovery =
    firstSuccess === undefined ? [] : after.filter((p) => p.at > firstSuccess.at && !p.ok);
  return {
    failed: failures.length,
    recoveredAfterMs:
      firstFailure === undefined ? 0 : (firstSuccess?.at ?? Number.POSITIVE_INFINITY) - faultAt,
    failedAfterRecovery: afterRecovery.length,
    samples: [...new Set(failures.map((p) => p.detail))].slice(0, 5),
  };
}

interface Inventory {
  records: Record<string, Record<string, { version: number; value: { obj: Json; local: Json } }>>;
}

function inventory(providerData: string): Inventory {
  return JSON.parse(fs.readFileSync(path.join(providerData, 'inventory.json'), 'utf8'));
}

export interface AmphoraView {
  id: string;
  ip: string;
  /** MASTER, BACKUP, FAULT, … as its keepalived last reported; undefined when unknown. */
  vrrp: string | undefined;
}

/** The amphorae of the load balancer whose name is `name`, with their VRRP states. */
export function amphoraeOf(providerData: string, name: string): AmphoraView[] {
  const lbs = Object.values(inventory(providerData).records.LoadBalancer ?? {});
  const lb = lbs.map((r) => r.value).find((e) => e.obj.name === name);
  if (lb === undefined) throw new Error(`no load balancer named ${name}`);
  return (lb.local.amphorae as Json[]).map((a) => {
    const file = path.join(providerData, 'amphorae', a.id, 'root', 'vrrp-state');
    const vrrp = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
    return { id: a.id as string, ip: a.ip as string, vrrp };
  });
}

/**
 * The amphora dies as a VM would: SIGKILL of its agent, HAProxy and keepalived, and its NIC
 * gone dark, so the VIP it held stops answering. Returns the amphora's id.
 */
export async function crashActiveAmphora(
  providerData: string,
  prefix: string,
  lbName: string,
): Promise<string> {
  const active = amphoraeOf(providerData, lbName).find((a) => a.vrrp === 'MASTER');
  if (active === undefined) throw new Error(`load balancer ${lbName} has no MASTER amphora`);
  const killed = crashServerProcesses(path.join(providerData, 'amphorae', active.id));
  if (killed === 0) throw new Error(`amphora ${active.id} had no verified processes`);
  const ns = namespaceNames(prefix).server(active.id);
  await run('ip', ['-n', ns, 'link', 'set', 'dev', SERVER_IFACE, 'down']);
  return active.id;
}

/**
 * `etcdctl endpoint health --cluster` run inside a master's namespace with the apiserver's etcd
 * client certificate: one entry per member, healthy or not.
 */
export async function etcdHealth(
  providerData: string,
  prefix: string,
  master: { id: string; address: string },
  etcdctl: string,
): Promise<Array<{ endpoint: string; health: boolean }>> {
  const root = path.join(providerData, 'servers', master.id, 'root');
  const pki = path.join(root, 'etc/kubernetes/pki');
  const { stdout } = await run('ip', [
    'netns',
    'exec',
    namespaceNames(prefix).server(master.id),
    etcdctl,
    `--endpoints=https://${master.address}:2379`,
    `--cacert=${pki}/etcd/ca.crt`,
    `--cert=${pki}/apiserver-etcd-client.crt`,
    `--key=${pki}/apiserver-etcd-client.key`,
    '--command-timeout=5s',
    'endpoint',
    'health',
    '--cluster',
    '-w',
    'json',
  ]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '[]' }));
  return JSON.parse(stdout || '[]') as Array<{ endpoint: string; health: boolean }>;
}

/**
 * The certificate a master's kube-apiserver presents on its own address (PEM), read from inside
 * the master's network namespace — what a client of that master is shown, not what Berth stored.
 */
export async function presentedApiserverCertificate(
  prefix: string,
  master: { id: string; address: string },
  port = 6443,
): Promise<string> {
  const script = `
const tls = require('node:tls');
const s = tls.connect({ host: process.argv[1], port: Number(process.argv[2]), rejectUnauthorized: false }, () => {
  const raw = s.getPeerCertificate().raw.toString('base64');
  process.stdout.write('-----BEGIN CERTIFICATE-----\\n' + raw.match(/.{1,64}/g).join('\\n') + '\\n-----END CERTIFICATE-----\\n');
  s.end();
});
s.setTimeout(5000, () => s.destroy(new Error('timed out')));`;
  const { stdout } = await run('ip', [
    'netns',
    'exec',
    namespaceNames(prefix).server(master.id),
    process.execPath,
    '-e',
    script,
    master.address,
    String(port),
  ]);
  return stdout;
}
