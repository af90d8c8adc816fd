/** Prints a benchmark table and appends it, dated, to docs/benchmarks.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Table {
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

const docsFile = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));

export function renderTable(table: Table): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [
    `### ${table.title}`,
    '',
    table.method,
    '',
    line(table.columns),
    line(table.columns.map(() => '---')),
    ...table.rows.map(line),
    '',
  ].join('\n');
}

export function appendReport(tables: Table[], now = new Date()): string {
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const section = [
    `## ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${machine}`,
    '',
    ...tables.map(renderTable),
  ].join('\n');
  if (!fs.existsSync(docsFile)) {
    fs.mkdirSync(path.dirname(docsFile), { recursive: true });
    fs.writeFileSync(
      docsFile,
      '# Benchmarks\n\nAppended by `npm run bench`; newest last. Figures are medians of the runs stated.\n\n',
    );
  }
  fs.appendFileSync(docsFile, `${section}\n`);
  return section;
}
