/**
 * `berth logout`: ends a directory user's session — on the server (`POST /v1/logout`, the
 * session token stops working at once) and in the config file (token and user removed). An API
 * token saved by `berth login --token` is only removed from the file: it may be shared, and an
 * admin revokes it with `berth token revoke`.
 */
import type { Command } from 'commander';
import { readConfig, writeConfig } from '../lib/config-file.js';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, clientFor, globalOptions, resolveSettings } from '../lib/settings.js';

export function registerLogoutCommand(program: Command, io: CliIo = processIo()): void {
  const logout = program
    .command('logout')
    .description("end the saved session (a directory user's, also on the server) and forget it");
  addGlobalOptions(logout).action(
    action(io, async (_opts: object, cmd: Command) => {
      const settings = await resolveSettings(globalOptions(cmd), io);
      const saved = await readConfig(settings.configFile);
      if (saved.user !== undefined && saved.token !== undefined && settings.endpoint)
        await clientFor({ ...settings, token: saved.token }, io).logout();
      const { token: _token, user: _user, ...rest } = saved;
      await writeConfig(settings.configFile, rest);
      io.stdout.write(
        saved.user === undefined
          ? `Forgot the token saved in ${settings.configFile}\n`
          : `Signed ${saved.user} out of ${settings.endpoint}; forgot the session in ${settings.configFile}\n`,
      );
    }),
  );
}
