/** `berth project …`: the tenancy boundary every cluster lives in. */
import type { Command } from 'commander';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { projectView } from '../lib/views.js';
import { printer } from './output.js';

export function registerProjectCommands(program: Command, io: CliIo = processIo()): void {
  const project = program.command('project').description('create, list and delete projects');
  const leaf = (name: string, description: string) =>
    addGlobalOptions(project.command(name).description(description));

  leaf('create', 'create a project')
    .argument('<name>', 'project name (lower-case DNS label)')
    .option('--description <text>', 'what the project is for')
    .action(
      action(io, async (name: string, opts: { description?: string }, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const spec = opts.description === undefined ? undefined : { description: opts.description };
        const created = await client.projects.create({
          metadata: { name },
          ...(spec ? { spec } : {}),
        });
        printer(settings.output, io).one(created, projectView);
      }),
    );

  leaf('list', 'list the projects the token can see').action(
    action(io, async (_opts: object, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      printer(settings.output, io).list(await client.projects.listAll(), projectView);
    }),
  );

  leaf('get', 'show a project')
    .argument('<name>')
    .action(
      action(io, async (name: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        printer(settings.output, io).one(await client.projects.get(name), projectView);
      }),
    );

  leaf('delete', 'delete a project (it must hold no clusters)')
    .argument('<name>')
    .action(
      action(io, async (name: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        await client.projects.delete(name);
        printer(settings.output, io).result({ name, deleted: true }, `project "${name}" deleted`);
      }),
    );
}
