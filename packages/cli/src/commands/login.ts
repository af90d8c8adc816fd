/**
 * `berth login`: checks an endpoint and token against the API, then saves them (and the
 * project) in the config file with mode 0600, so later commands need no flags.
 */
import type { Command } from 'commander';
import { readConfig, writeConfig } from '../lib/config-file.js';
import { UsageError, action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, clientFor, globalOptions, resolveSettings } from '../lib/settings.js';

export function registerLoginCommand(program: Command, io: CliIo = processIo()): void {
  const login = program
    .command('login')
    .description('check an endpoint and token, then save them for later commands');
  addGlobalOptions(login).action(
    action(io, async (_opts: object, cmd: Command) => {
      const settings = await resolveSettings(globalOptions(cmd), io);
      if (!settings.endpoint)
        throw new UsageError('login needs --endpoint URL (or BERTH_ENDPOINT)');
      if (!settings.token) throw new UsageError('login needs --token TOKEN (or BERTH_TOKEN)');
      const client = clientFor(settings, io);
      // Listing the project's clusters proves the endpoint answers, the token is valid and it
      // may read the project — what every later command needs.
      await client.clusters.list(settings.project, { limit: 1 });
      const saved = await readConfig(settings.configFile);
      await writeConfig(settings.configFile, {
        ...saved,
        endpoint: settings.endpoint,
        token: settings.token,
        project: settings.project,
      });
      io.stdout.write(
        `Logged in to ${settings.endpoint} (project "${settings.project}"); saved to ${settings.configFile}\n`,
      );
    }),
  );
}
