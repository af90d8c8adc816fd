/**
 * `berth monitoring query <cluster> '<promql>'`: a PromQL instant query against the cluster's
 * Prometheus (the monitoring addon) through Berth's API; a table of the series (one column per
 * label, then the value), or the API's answer with `-o json|yaml`.
 */
import type { Command } from 'commander';
import type { MonitoringQueryResult } from '@berth/api-types';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { cell, renderTable } from '../lib/table.js';
import { serialize } from './output.js';

/**
 * The result as a table: the labels any series has (`__name__` first, then sorted) and
 * `VALUE` — for a range vector the last value and `SAMPLES`. Pure.
 */
export function resultTable(result: MonitoringQueryResult): string {
  if (result.result.length === 0) return 'No series.\n';
  const keys = [...new Set(result.result.flatMap((s) => Object.keys(s.metric)))].sort((a, b) =>
    a === '__name__' ? -1 : b === '__name__' ? 1 : a.localeCompare(b),
  );
  const matrix = result.resultType === 'matrix';
  const headers = [
    ...keys.map((k) => (k === '__name__' ? 'METRIC' : k.toUpperCase())),
    'VALUE',
    ...(matrix ? ['SAMPLES'] : []),
  ];
  const rows = result.result.map((s) => {
    const value = matrix ? s.values?.at(-1)?.[1] : s.value?.[1];
    return [
      ...keys.map((k) => cell(s.metric[k])),
      cell(value),
      ...(matrix ? [String(s.values?.length ?? 0)] : []),
    ];
  });
  return renderTable(headers, rows);
}

export function registerMonitoringCommands(program: Command, io: CliIo = processIo()): void {
  const monitoring = program
    .command('monitoring')
    .description("query a cluster's Prometheus (the monitoring addon)");
  addGlobalOptions(
    monitoring
      .command('query')
      .description('a PromQL instant query, e.g. count(kube_node_info)')
      .argument('<cluster>')
      .argument('<promql>')
      .option('--time <time>', 'evaluate at this time (RFC 3339 or unix seconds; default now)'),
  ).action(
    action(io, async (cluster: string, promql: string, opts: { time?: string }, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      const result = await client.monitoring.query(settings.project, cluster, promql, {
        ...(opts.time === undefined ? {} : { time: opts.time }),
      });
      for (const warning of result.warnings ?? []) io.stderr.write(`warning: ${warning}\n`);
      io.stdout.write(
        settings.output === 'table' ? resultTable(result) : serialize(settings.output, result),
      );
    }),
  );
}
