/** `berth addon …`: install (or change), list and remove a cluster's addons. */
import type { Command } from 'commander';
import { UsageError, action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { addonView } from '../lib/views.js';
import { printer } from './output.js';
import { addWaitOptions, concludeAction, waitTimeoutMs, type WaitFlags } from './wait.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--set key=value` pairs as the addon's `config`; the server checks keys and values. */
export function parseSettings(pairs: readonly string[]): Record<string, string> {
  const config: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`addon install: --set wants key=value, not "${pair}"`);
    config[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return config;
}

export function registerAddonCommands(program: Command, io: CliIo = processIo()): void {
  const addon = program.command('addon').description("manage a cluster's addons (/v1/addons)");
  const leaf = (name: string, description: string) =>
    addGlobalOptions(addon.command(name).description(description));

  addWaitOptions(
    leaf('install', 'install an addon, or change its version or settings')
      .argument('<cluster>')
      .argument('<addon>', 'an addon from /v1/addons, e.g. ingress')
      .option('--version <version>', "one of the addon's versions (default: its default)")
      .option('--set <key=value>', 'an addon setting, e.g. replicas=3 (repeatable)', collect),
  ).action(
    action(
      io,
      async (
        cluster: string,
        name: string,
        opts: WaitFlags & { version?: string; set?: string[] },
        cmd: Command,
      ) => {
        const timeoutMs = waitTimeoutMs(opts);
        const config = parseSettings(opts.set ?? []);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const request = {
          name,
          ...(opts.version === undefined ? {} : { version: opts.version }),
          ...(Object.keys(config).length === 0 ? {} : { config }),
        };
        const accepted = await client.addons.install(settings.project, cluster, request);
        const what = `addon "${name}" of cluster "${cluster}" install`;
        await concludeAction({ client, io, out }, accepted, what, timeoutMs, async () => {
          const { items } = await client.addons.list(settings.project, cluster);
          out.list(
            items.filter((a) => a.name === name),
            addonView,
          );
        });
      },
    ),
  );

  leaf('list', "list a cluster's addons with their status")
    .argument('<cluster>')
    .action(
      action(io, async (cluster: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const { items } = await client.addons.list(settings.project, cluster);
        printer(settings.output, io).list(items, addonView);
      }),
    );

  addWaitOptions(
    leaf('remove', 'remove an addon and everything it made (its load balancers too)')
      .argument('<cluster>')
      .argument('<addon>'),
  ).action(
    action(io, async (cluster: string, name: string, opts: WaitFlags, cmd: Command) => {
      const timeoutMs = waitTimeoutMs(opts);
      const { client, settings } = await connect(cmd, io);
      const out = printer(settings.output, io);
      const accepted = await client.addons.remove(settings.project, cluster, name);
      const what = `addon "${name}" of cluster "${cluster}" removal`;
      await concludeAction({ client, io, out }, accepted, what, timeoutMs, async () => {
        out.note(`addon "${name}" removed from cluster "${cluster}"`);
      });
    }),
  );
}
