/** `berth token …`: API tokens of the project. The secret is printed once, at creation. */
import { Option, type Command } from 'commander';
import { TOKEN_ROLES, type TokenRole } from '@berth/api-types';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { tokenView } from '../lib/views.js';
import { printer } from './output.js';

export function registerTokenCommands(program: Command, io: CliIo = processIo()): void {
  const token = program.command('token').description('create, list and revoke API tokens');
  const leaf = (name: string, description: string) =>
    addGlobalOptions(token.command(name).description(description));

  leaf('create', 'create a token; its secret is shown only this once')
    .addOption(
      new Option(
        '--role <role>',
        'viewer reads; member changes clusters; admin also manages tokens',
      )
        .choices(TOKEN_ROLES)
        .makeOptionMandatory(),
    )
    .option('--name <name>', 'what the token is for (default: cli-<date>)')
    .option('--expires-at <time>', 'RFC 3339 time after which the token stops working')
    .action(
      action(
        io,
        async (opts: { role: TokenRole; name?: string; expiresAt?: string }, cmd: Command) => {
          const { client, settings } = await connect(cmd, io);
          const name =
            opts.name ?? `cli-${io.now().toISOString().slice(0, 19).replace(/[-:]/g, '')}`;
          const request = {
            name,
            role: opts.role,
            ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
          };
          const created = await client.tokens.create(settings.project, request);
          io.stderr.write(
            `Token "${created.name}" (${created.role}, id ${created.id}) created in project "${settings.project}".\n` +
              'Store its secret now: it will not be shown again.\n',
          );
          printer(settings.output, io).result(created, created.secret);
        },
      ),
    );

  leaf('list', "list the project's tokens (never their secrets)").action(
    action(io, async (_opts: object, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      printer(settings.output, io).list(await client.tokens.listAll(settings.project), tokenView);
    }),
  );

  leaf('revoke', 'revoke a token; requests using it fail from now on')
    .argument('<id>', 'token id, as `berth token list` shows it')
    .action(
      action(io, async (id: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        await client.tokens.revoke(settings.project, id);
        printer(settings.output, io).result({ id, revoked: true }, `token ${id} revoked`);
      }),
    );
}
