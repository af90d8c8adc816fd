/**
 * Printing results in the format `-o` asks for: `table` (aligned columns, plus short messages for
 * actions), `json` or `yaml` (the objects themselves; a list as `{items: [...]}`).
 */
import YAML from 'yaml';
import type { CliIo } from '../lib/io.js';
import type { OutputFormat } from '../lib/settings.js';
import { renderTable } from '../lib/table.js';
import type { View } from '../lib/views.js';

export interface Printer {
  readonly format: OutputFormat;
  list<T>(items: T[], view: View<T>): void;
  one<T>(item: T, view: View<T>): void;
  /** An action's result: `text` for people in table mode, `data` for json/yaml. */
  result(data: unknown, text: string): void;
  /** A note for people (table mode only, on stderr so it never mixes with data). */
  note(text: string): void;
}

export function printer(format: OutputFormat, io: CliIo): Printer {
  const data = (value: unknown) => io.stdout.write(serialize(format, value));
  return {
    format,
    list: (items, view) =>
      format === 'table' ? io.stdout.write(renderList(items, view, io.now())) : data({ items }),
    one: (item, view) =>
      format === 'table' ? io.stdout.write(renderList([item], view, io.now())) : data(item),
    result: (value, text) => (format === 'table' ? io.stdout.write(`${text}\n`) : data(value)),
    note: (text) => {
      if (format === 'table') io.stderr.write(`${text}\n`);
    },
  };
}

export function renderList<T>(items: T[], view: View<T>, now: Date): string {
  if (items.length === 0) return 'No resources found.\n';
  return renderTable(
    view.headers,
    items.map((item) => view.row(item, now)),
  );
}

export function serialize(format: OutputFormat, value: unknown): string {
  return format === 'yaml' ? YAML.stringify(value) : `${JSON.stringify(value, null, 2)}\n`;
}
