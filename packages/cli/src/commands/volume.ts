/** `berth volume list`: the project's volumes with what they are for, their claim and node. */
import type { Command } from 'commander';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { volumeView } from '../lib/views.js';
import { printer } from './output.js';

export function registerVolumeCommands(program: Command, io: CliIo = processIo()): void {
  const volume = program
    .command('volume')
    .description("the project's volumes: PersistentVolumes' disks and nodes' root disks");
  addGlobalOptions(
    volume.command('list').description('list volumes with their PVC, node and state'),
  )
    .option('--cluster <name>', 'only the volumes of this cluster')
    .action(
      action(io, async (opts: { cluster?: string }, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const volumes = await client.infra.listAllVolumes(settings.project, {
          cluster: opts.cluster,
        });
        printer(settings.output, io).list(volumes, volumeView);
      }),
    );
}
