/**
 * `berth version list`: the Kubernetes versions clusters may run (`/v1/versions`), with the
 * default, the day upstream support ends and what each upgrades to.
 */
import type { Command } from 'commander';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { versionView } from '../lib/views.js';
import { printer } from './output.js';

export function registerVersionCommands(program: Command, io: CliIo = processIo()): void {
  const version = program.command('version').description('Kubernetes versions clusters may run');
  addGlobalOptions(
    version
      .command('list')
      .description('list versions: exact patch, default, end of support, upgrade targets'),
  ).action(
    action(io, async (_opts: object, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      printer(settings.output, io).list(await client.catalog.versions(), versionView);
    }),
  );
}
