/**
 * Controller throughput: seconds for the controllers to bring 1,000 clusters (1 master and a
 * 3-node default group each) to Running on the in-memory provider, created through the API.
 * The provider keeps no state file here: that file is rewritten whole after every change, which
 * would measure JSON serialisation rather than the controllers.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSecret } from '@berth/store';
import { createLogger, startServer } from '@berth/server';
import type { Table } from './report.js';
import { median, round } from './stats.js';

const CLUSTERS = 1000;
const RUNS = 3;
const CREATE_CONCURRENCY = 20;

interface RunFigures {
  seconds: number;
  createSeconds: number;
  /** GET …/clusters latencies (ms) sampled every 200 ms while the controllers worked. */
  listMs: number[];
  /** Times the controllers' lease changed hands (1 = acquired once, never lost). */
  leaseTransitions: number;
  cpuSeconds: number;
}

async function oneRun(): Promise<RunFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-ctl-'));
  const token = generateSecret();
  const cpuBefore = process.cpuUsage();
  const server = await startServer({
    insecureHttp: true, // plain HTTP on loopback: the API is measured, not TLS
    listen: '127.0.0.1:0',
    dataDir,
    adminToken: token,
    print: () => undefined,
    // Request lines at info would measure stdout; operators see warnings and errors.
    logger: createLogger({ level: 'warn' }),
    // 1,000 clusters need 2,000 external addresses (router gateway + API floating IP each);
    // the in-memory provider's default external /24 holds 253, so the bench gives it a /20.
    memoryProvider: { externalNetwork: { cidr: '100.64.0.0/20' } },
  });
  const listMs: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const began = performance.now();
      const res = await fetch(`${server.url}/v1/projects/default/clusters`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      listMs.push(performance.now() - began);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < CLUSTERS) {
        const name = `c${String(next++).padStart(4, '0')}`;
        const res = await postWithRetry(`${server.url}/v1/projects/default/clusters`, token, {
          metadata: { name },
        });
        if (res.status !== 202)
          throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
      }
    };
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
    const createSeconds = (Date.now() - started) / 1000;
    for (;;) {
      const phases = await server.store.clusters.countByPhase();
      if ((phases.Running ?? 0) >= CLUSTERS) break;
      if ((phases.Error ?? 0) > 0) throw new Error(`clusters in Error: ${JSON.stringify(phases)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;
    const lease = await server.store.leases.get('controllers');
    const cpu = process.cpuUsage(cpuBefore);
    return {
      seconds,
      createSeconds,
      listMs,
      leaseTransitions: lease?.transitions ?? 0,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    sampling = false;
    await sampler;
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function benchControllers(): Promise<Table> {
  const runs: RunFigures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await oneRun());
  const med = (f: (r: RunFigures) => number, digits = 1) => round(median(runs.map(f)), digits);
  return {
    title: `Controllers: ${CLUSTERS} clusters to Running on the in-memory provider (SQLite)`,
    method: `${CLUSTERS} POSTs (${CREATE_CONCURRENCY} at a time), then wait until every cluster is Running; ${RUNS} runs, medians. Each cluster: network, router, 3 security groups, API load balancer with floating IP, 1 master, 3 workers. While it runs, GET /v1/projects/default/clusters (first page) every 200 ms; lease transitions read from the store (1 = the leader never lost its lease). Goals: ≤ 100 s, no lease lost, list p99 ≤ 50 ms.`,
    columns: [
      'runs',
      'seconds to all Running',
      'of which accepting the POSTs',
      'clusters/s',
      'list p50 ms',
      'list p99 ms',
      'lease transitions (max)',
      'server CPU s',
    ],
    rows: [
      [
        RUNS,
        med((r) => r.seconds),
        med((r) => r.createSeconds),
        round(CLUSTERS / median(runs.map((r) => r.seconds)), 1),
        med((r) => percentile(r.listMs, 50)),
        med((r) => percentile(r.listMs, 99)),
        Math.max(...runs.map((r) => r.leaseTransitions)),
        med((r) => r.cpuSeconds),
      ],
    ],
  };
}

/** POST with an Idempotency-Key, retried on connection errors as a real client would. */
async function postWithRetry(url: string, token: string, body: unknown): Promise<Response> {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
