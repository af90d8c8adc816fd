/** `berth config …`: where settings come from, and the default project. */
import type { Command } from 'commander';
import { readConfig, writeConfig } from '../lib/config-file.js';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import {
  addGlobalOptions,
  globalOptions,
  resolveSettings,
  type Settings,
} from '../lib/settings.js';
import { renderTable } from '../lib/table.js';
import { serialize } from './output.js';

/** A token shown without its secret part: enough to tell tokens apart. */
export function redact(token: string | undefined): string {
  if (!token) return '-';
  return token.length <= 12 ? '****' : `${token.slice(0, 10)}…`;
}

export function describeSettings(s: Settings): Record<string, string> {
  return {
    configFile: s.configFile,
    endpoint: s.endpoint ?? '-',
    endpointFrom: s.sources.endpoint,
    token: redact(s.token),
    tokenFrom: s.sources.token,
    project: s.project,
    projectFrom: s.sources.project,
  };
}

export function registerConfigCommands(program: Command, io: CliIo = processIo()): void {
  const config = program.command('config').description('show or change the CLI settings');

  addGlobalOptions(
    config.command('view').description('show the settings in effect and their sources'),
  ).action(
    action(io, async (_opts: object, cmd: Command) => {
      const settings = await resolveSettings(globalOptions(cmd), io);
      const view = describeSettings(settings);
      if (settings.output !== 'table')
        return void io.stdout.write(serialize(settings.output, view));
      const rows = (['endpoint', 'token', 'project'] as const).map((key) => [
        key,
        view[key] ?? '-',
        view[`${key}From`] ?? '-',
      ]);
      io.stdout.write(renderTable(['SETTING', 'VALUE', 'FROM'], rows));
      io.stdout.write(`config file: ${settings.configFile}\n`);
    }),
  );

  config
    .command('path')
    .description('print the config file path ($BERTH_CONFIG or ~/.config/berth/config.yaml)')
    .action(
      action(io, async () => {
        const settings = await resolveSettings({}, io);
        io.stdout.write(`${settings.configFile}\n`);
      }),
    );

  config
    .command('set-project')
    .description('make NAME the default project of later commands')
    .argument('<name>')
    .action(
      action(io, async (name: string) => {
        const settings = await resolveSettings({}, io);
        const saved = await readConfig(settings.configFile);
        await writeConfig(settings.configFile, { ...saved, project: name });
        io.stdout.write(`default project is now "${name}" (${settings.configFile})\n`);
      }),
    );
}
