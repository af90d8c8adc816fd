#!/usr/bin/env node
/**
 * `npm run bench [name …]`: runs the named benchmarks (all by default), prints each table and
 * appends them, dated, to docs/benchmarks.md. Benchmarks report figures; they assert nothing.
 */
import { benchAddons } from './addons.js';
import { benchApiList } from './api-list.js';
import { benchAutoscaler } from './autoscaler.js';
import { benchConsole } from './console.js';
import { benchControllers } from './controllers-1000.js';
import { benchHaCluster } from './ha-cluster.js';
import { benchIngress } from './ingress.js';
import { benchLbFailover } from './lb-failover.js';
import { benchLocalCluster } from './local-cluster.js';
import { benchRealNodes } from './real-nodes.js';
import { benchServiceLb } from './service-lb.js';
import { benchStorage } from './storage.js';
import { benchUpgrade } from './upgrade.js';
import { appendReport, renderTable, type Table } from './report.js';

const suites: Record<string, () => Promise<Table>> = {
  'api-list': benchApiList,
  'controllers-1000': benchControllers,
  'lb-failover': benchLbFailover,
  'service-lb': benchServiceLb,
  'local-cluster': benchLocalCluster,
  'real-nodes': benchRealNodes,
  'ha-cluster': benchHaCluster,
  autoscaler: benchAutoscaler,
  storage: benchStorage,
  upgrade: benchUpgrade,
  addons: benchAddons,
  ingress: benchIngress,
  console: benchConsole,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(suites);
  const tables: Table[] = [];
  for (const name of names) {
    const suite = suites[name];
    if (!suite)
      throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.stderr.write(`bench: running ${name}…\n`);
    const table = await suite();
    process.stdout.write(`${renderTable(table)}\n`);
    tables.push(table);
  }
  appendReport(tables);
  process.stderr.write('bench: appended to docs/benchmarks.md\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
