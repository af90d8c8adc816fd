/**
 * Load balancer failover on the local provider: an ACTIVE_STANDBY load balancer (two amphorae,
 * keepalived VRRPv3 with 0.5 s adverts) in front of two HTTP backends, reached by the host through
 * its floating IP. A client sends a request on a fresh connection every 15 ms with a 300 ms
 * deadline while the active amphora is (a) killed with SIGKILL and its NIC taken down, or (b)
 * stopped gracefully (keepalived's priority-0 advert first). Failover time runs from the fault to
 * the answer of the first request after which none failed; requests lost are the failed ones.
 * The health manager (500 ms passes) restores the pair between runs. Figures only; no asserts.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLbTestbed, httpGet, type LbTestbed } from '@berth/provider-local/testing';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const RUNS = 10;
const PORT = 80;
const SEND_EVERY_MS = 15;
const TIMEOUT_MS = 300;
/** A run ends once requests succeeded this long after the last failure. */
const QUIET_MS = 3000;

interface Probe {
  sentAt: number;
  doneAt: number;
  ok: boolean;
}

interface Run {
  failoverMs: number;
  lost: number;
}

type Fault = 'kill' | 'stop';

/** Sends requests on a fixed cadence until stopped; every request's outcome is recorded. */
function startClient(fip: string) {
  const probes: Probe[] = [];
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const sentAt = performance.now();
      const p = httpGet(fip, PORT, { timeoutMs: TIMEOUT_MS })
        .then(
          (a) => a.status === 200,
          () => false,
        )
        .then((ok) => void probes.push({ sentAt, doneAt: performance.now(), ok }));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      await sleep(SEND_EVERY_MS);
    }
  })();
  return {
    probes,
    async stop() {
      running = false;
      await loop;
      await Promise.all(inFlight);
    },
  };
}

function lastFailure(probes: Probe[]): Probe | undefined {
  return probes.filter((p) => !p.ok).sort((a, b) => b.sentAt - a.sentAt)[0];
}

async function measure(bed: LbTestbed, fault: Fault): Promise<Run> {
  const client = startClient(bed.fip);
  await sleep(500);
  const faultAt = performance.now();
  if (fault === 'kill') await bed.provider.crashAmphora(bed.lb.id, 'active');
  else await bed.provider.stopAmphora(bed.lb.id, 'active');
  const deadline = faultAt + 30_000;
  for (;;) {
    const last = lastFailure(client.probes);
    const since = last === undefined ? faultAt : Math.max(faultAt, last.doneAt);
    if (performance.now() - since >= QUIET_MS || performance.now() > deadline) break;
    await sleep(50);
  }
  await client.stop();
  const probes = [...client.probes].sort((a, b) => a.sentAt - b.sentAt);
  const last = lastFailure(probes);
  const firstGood = probes.find((p) => p.ok && p.sentAt > (last?.sentAt ?? -Infinity));
  const failoverMs = last === undefined ? 0 : (firstGood?.doneAt ?? Number.NaN) - faultAt;
  return { failoverMs, lost: probes.filter((p) => !p.ok).length };
}

/** Waits until both amphorae run, one MASTER and one BACKUP, then lets the pair settle. */
async function pairRestored(bed: LbTestbed): Promise<void> {
  const runtime = bed.provider.loadBalancers.amphorae;
  const { amphorae } = (await bed.provider.ctx.repos.loadBalancers.require(bed.lb.id)).local;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const states = amphorae.map((a) => (runtime.isRunning(a) ? runtime.vrrpState(a.id) : 'DOWN'));
    if ([...states].sort().join() === 'BACKUP,MASTER') break;
    if (Date.now() > deadline) throw new Error(`pair not restored: ${states.join(', ')}`);
    await sleep(100);
  }
  await sleep(1000);
}

function row(label: string, goal: string, runs: Run[]): Array<string | number> {
  const secs = runs.map((r) => r.failoverMs / 1000);
  const lost = runs.map((r) => r.lost);
  return [
    label,
    round(median(secs), 2),
    round(Math.min(...secs), 2),
    round(Math.max(...secs), 2),
    median(lost),
    `${Math.min(...lost)}–${Math.max(...lost)}`,
    goal,
  ];
}

export async function benchLbFailover(): Promise<Table> {
  const bed = await createLbTestbed({ backends: 2, healthManagerIntervalMs: 500 });
  const runs: Record<Fault, Run[]> = { kill: [], stop: [] };
  let cleanup = 'not checked';
  try {
    await bed.addListener({ name: 'http', protocol: 'HTTP', port: PORT, poolProtocol: 'HTTP' });
    await pairRestored(bed);
    for (const fault of ['kill', 'stop'] as const) {
      for (let i = 0; i < RUNS; i++) {
        runs[fault].push(await measure(bed, fault));
        process.stderr.write(
          `bench: lb-failover ${fault} #${i + 1}: ${JSON.stringify(runs[fault].at(-1))}\n`,
        );
        await pairRestored(bed);
      }
    }
  } finally {
    const { leaks, errors } = await bed.destroy();
    const left = Object.entries(leaks).filter(([, list]) => list.length > 0);
    cleanup =
      left.length === 0 && errors.length === 0
        ? 'clean'
        : `leaks ${JSON.stringify(Object.fromEntries(left))}, errors ${errors.join('; ')}`;
  }
  return {
    title: 'Local provider: load balancer failover (ACTIVE_STANDBY, through the floating IP)',
    method: `Two amphorae (HAProxy + keepalived, unicast VRRPv3, 0.5 s adverts, both BACKUP + nopreempt) in front of two HTTP backends. A host client sends a request on a new connection every ${SEND_EVERY_MS} ms (deadline ${TIMEOUT_MS} ms) through the floating IP; the active amphora is SIGKILLed with its NIC taken down, or stopped gracefully. Failover = fault → answer of the first request after which none failed; lost = failed requests. ${RUNS} runs each, the health manager (500 ms passes) restoring the pair between runs; median, min, max. Cleanup afterwards: ${cleanup}.`,
    columns: [
      'fault',
      'failover median (s)',
      'min (s)',
      'max (s)',
      'requests lost (median)',
      'lost (min–max)',
      'goal',
    ],
    rows: [
      row('SIGKILL of the active amphora', '≤ 3 s', runs.kill),
      row('graceful stop', '≤ 1 s', runs.stop),
    ],
  };
}
