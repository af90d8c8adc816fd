/**
 * `berth kubectl-credentials [-p PROJECT] CLUSTER`: the exec credential plugin that directory
 * users' kubeconfigs name (client.authentication.k8s.io/v1). It asks Berth — with the session
 * token `berth login --user` saved — for a short-lived token of this cluster and prints the
 * ExecCredential kubectl reads on standard output; nothing else goes there. kubectl runs it
 * whenever it has no unexpired token, so a group removed in the directory stops working once the
 * last token expires.
 */
import type { Command } from 'commander';
import { action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { addGlobalOptions, connect } from '../lib/settings.js';

export function registerKubectlCredentialsCommand(program: Command, io: CliIo = processIo()): void {
  const command = program
    .command('kubectl-credentials')
    .description("kubectl's exec credential plugin: a token for CLUSTER as the signed-in user")
    .argument('<cluster>');
  addGlobalOptions(command).action(
    action(io, async (cluster: string, _opts: object, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      const credential = await client.clusters.credentials(settings.project, cluster);
      io.stdout.write(`${JSON.stringify(credential)}\n`);
    }),
  );
}
