/**
 * `berth cluster …`: create, list, get, delete, start, stop, upgrade, renew-certificates,
 * kubeconfig, events, nodes.
 */
import type { Command } from 'commander';
import {
  buildCreateRequest,
  readRequestFile,
  type ClusterCreateFlags,
} from '../lib/cluster-request.js';
import { action, UsageError } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { writePrivateFile } from '../lib/private-file.js';
import { eventHistory, followEvents } from '../lib/event-log.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { clusterView, conditionView, eventView, nodeView } from '../lib/views.js';
import { printer, renderList } from './output.js';
import { addWaitOptions, concludeAction, waitTimeoutMs, type WaitFlags } from './wait.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerClusterCommands(program: Command, io: CliIo = processIo()): void {
  const cluster = program.command('cluster').description('create and manage Kubernetes clusters');
  const leaf = (name: string, description: string) =>
    addGlobalOptions(cluster.command(name).description(description));

  addWaitOptions(
    leaf('create', 'create a cluster')
      .argument('[name]', 'cluster name (lower-case DNS label); or metadata.name in -f')
      .option('--version <version>', 'Kubernetes version, minor or patch (e.g. 1.34)')
      .option('--masters <count>', 'control-plane servers: 1, 3 or 5')
      .option('--master-flavor <flavor>', 'flavor of the control-plane servers')
      .option('--zones <list>', 'availability zones the masters spread over (az1,az2)')
      .option('--subnet-cidr <cidr>', 'tenant subnet (default 10.0.0.0/24)')
      .option('--pods-cidr <cidr>', 'pod network (default 10.100.0.0/16)')
      .option('--services-cidr <cidr>', 'service network (default 10.254.0.0/16)')
      .option('--private', 'no floating IP for the API load balancer')
      .option(
        '--allowed-cidr <cidr>',
        'source range allowed to reach the API (repeatable)',
        collect,
      )
      .option(
        '--nodegroup <spec>',
        'NAME[:flavor=F,count=N,zone=Z,…] (repeatable; see docs/cli.md)',
        collect,
      )
      .option('--label <key=value>', 'label on the cluster (repeatable)', collect)
      .option('-f, --file <path>', 'cluster spec (YAML or JSON); flags override it'),
  ).action(
    action(
      io,
      async (
        name: string | undefined,
        opts: ClusterCreateFlags & WaitFlags & { file?: string },
        cmd: Command,
      ) => {
        const timeoutMs = waitTimeoutMs(opts);
        const base = opts.file ? await readRequestFile(opts.file) : undefined;
        const request = buildCreateRequest(name, opts, base);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const accepted = await client.clusters.create(settings.project, request);
        const clusterName = request.metadata.name;
        await concludeAction(
          { client, io, out },
          accepted,
          `cluster "${clusterName}" create`,
          timeoutMs,
          async () => {
            out.one(await client.clusters.get(settings.project, clusterName), clusterView);
          },
        );
      },
    ),
  );

  leaf('list', 'list clusters of the project').action(
    action(io, async (_opts: object, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      printer(settings.output, io).list(
        await client.clusters.listAll(settings.project),
        clusterView,
      );
    }),
  );

  leaf('get', 'show a cluster (with its conditions)')
    .argument('<name>')
    .action(
      action(io, async (name: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const found = await client.clusters.get(settings.project, name);
        const out = printer(settings.output, io);
        out.one(found, clusterView);
        const conditions = found.status?.conditions ?? [];
        if (out.format === 'table' && conditions.length > 0) {
          io.stdout.write(`\n${renderList(conditions, conditionView, io.now())}`);
        }
      }),
    );

  addWaitOptions(
    leaf('delete', 'delete a cluster and everything it made').argument('<name>'),
  ).action(
    action(io, async (name: string, opts: WaitFlags, cmd: Command) => {
      const timeoutMs = waitTimeoutMs(opts);
      const { client, settings } = await connect(cmd, io);
      const out = printer(settings.output, io);
      const accepted = await client.clusters.delete(settings.project, name);
      await concludeAction(
        { client, io, out },
        accepted,
        `cluster "${name}" delete`,
        timeoutMs,
        async (op) => {
          out.result(op, `cluster "${name}" deleted`);
        },
      );
    }),
  );

  for (const verb of ['start', 'stop'] as const) {
    addWaitOptions(leaf(verb, `${verb} a cluster's servers`).argument('<name>')).action(
      action(io, async (name: string, opts: WaitFlags, cmd: Command) => {
        const timeoutMs = waitTimeoutMs(opts);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const accepted = await client.clusters[verb](settings.project, name);
        await concludeAction(
          { client, io, out },
          accepted,
          `cluster "${name}" ${verb}`,
          timeoutMs,
          async () => {
            out.one(await client.clusters.get(settings.project, name), clusterView);
          },
        );
      }),
    );
  }

  addWaitOptions(
    leaf(
      'upgrade',
      'upgrade a cluster one minor (or patch) at a time: masters first, then its node groups',
    )
      .argument('<name>')
      .requiredOption('--version <version>', 'target version, minor or patch (e.g. 1.35)')
      .option(
        '--control-plane-only',
        'upgrade the masters only; node groups stay at their version (berth nodegroup upgrade later)',
      ),
  ).action(
    action(
      io,
      async (
        name: string,
        opts: WaitFlags & { version: string; controlPlaneOnly?: boolean },
        cmd: Command,
      ) => {
        const timeoutMs = waitTimeoutMs(opts);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const accepted = await client.clusters.upgrade(settings.project, name, opts.version, {
          controlPlaneOnly: opts.controlPlaneOnly === true,
        });
        const what = `cluster "${name}" upgrade to ${opts.version}`;
        await concludeAction({ client, io, out }, accepted, what, timeoutMs, async () => {
          out.one(await client.clusters.get(settings.project, name), clusterView);
        });
      },
    ),
  );

  addWaitOptions(
    leaf(
      'renew-certificates',
      "re-issue a cluster's control-plane certificates from its CAs, rolling its masters one at a time",
    )
      .argument('<name>')
      .option(
        '--only-expiring-within-days <days>',
        'renew only masters with a certificate expiring within this many days',
      ),
  ).action(
    action(
      io,
      async (name: string, opts: WaitFlags & { onlyExpiringWithinDays?: string }, cmd: Command) => {
        const timeoutMs = waitTimeoutMs(opts);
        const within =
          opts.onlyExpiringWithinDays === undefined
            ? undefined
            : positiveDays(opts.onlyExpiringWithinDays);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const accepted = await client.clusters.renewCertificates(
          settings.project,
          name,
          within === undefined ? {} : { onlyExpiringWithinDays: within },
        );
        const what = `cluster "${name}" certificate renewal`;
        await concludeAction({ client, io, out }, accepted, what, timeoutMs, async () => {
          out.one(await client.clusters.get(settings.project, name), clusterView);
        });
      },
    ),
  );

  leaf('kubeconfig', "print or save the cluster's admin kubeconfig")
    .argument('<name>')
    .option('--output-file <path>', 'write it to this file (mode 0600) instead of stdout')
    .action(
      action(io, async (name: string, opts: { outputFile?: string }, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const yaml = await client.clusters.kubeconfig(settings.project, name);
        if (!opts.outputFile) return void io.stdout.write(yaml);
        await writePrivateFile(opts.outputFile, yaml);
        io.stderr.write(
          `kubeconfig of cluster "${name}" written to ${opts.outputFile} (mode 0600)\n`,
        );
      }),
    );

  leaf('nodes', "list a cluster's machines with their Kubernetes node state")
    .argument('<name>')
    .action(
      action(io, async (name: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const nodes = await client.nodes.listAll(settings.project, name);
        printer(settings.output, io).list(nodes, nodeView);
      }),
    );

  leaf('events', "show a cluster's history; --follow streams new events until Ctrl-C")
    .argument('<name>')
    .option('-f, --follow', 'keep printing events as they happen')
    .option('--since <id>', 'only events after this event id', (v) => Number.parseInt(v, 10))
    .action(
      action(io, async (name: string, opts: { follow?: boolean; since?: number }, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const { project, output } = settings;
        if (opts.follow) return followEvents(client, project, name, opts.since, output, io);
        const history = await eventHistory(client, project, name, opts.since);
        printer(output, io).list(history, eventView);
      }),
    );
}

/** `--only-expiring-within-days`: whole days, 1 to 3650 (what the API accepts). */
function positiveDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > 3650)
    throw new UsageError(
      `--only-expiring-within-days must be a whole number of days from 1 to 3650, not "${value}"`,
    );
  return days;
}
