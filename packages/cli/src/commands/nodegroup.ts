/** `berth nodegroup …`: create, list, get, scale, upgrade, autoscale and delete the worker pools of a cluster. */
import type { Command } from 'commander';
import { UsageError, action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { buildNodeGroup, checkNodeGroupName, parseCount } from '../lib/nodegroup-spec.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { nodeGroupView } from '../lib/views.js';
import { printer } from './output.js';
import { addWaitOptions, concludeAction, waitTimeoutMs, type WaitFlags } from './wait.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface NodeGroupFlags {
  flavor?: string;
  zone?: string;
  count?: string;
  min?: string;
  max?: string;
  autoscale?: boolean;
  label?: string[];
  taint?: string[];
  maxUnavailable?: string;
  volumeType?: string;
  volumeSize?: string;
}

/** The flags of `nodegroup create` as pairs of the `--nodegroup` mini-language. */
export function nodeGroupPairs(flags: NodeGroupFlags): Array<[string, string | undefined]> {
  const single: Array<[string, string | undefined]> = [
    ['flavor', flags.flavor],
    ['zone', flags.zone],
    ['count', flags.count],
    ['min', flags.min],
    ['max', flags.max],
    ['max-unavailable', flags.maxUnavailable],
    ['volume-type', flags.volumeType],
    ['volume-size', flags.volumeSize],
  ];
  const pairs = single.filter(([, value]) => value !== undefined);
  if (flags.autoscale) pairs.push(['autoscale', undefined]);
  for (const label of flags.label ?? []) pairs.push(['label', label]);
  for (const taint of flags.taint ?? []) pairs.push(['taint', taint]);
  return pairs;
}

export function registerNodeGroupCommands(program: Command, io: CliIo = processIo()): void {
  const group = program.command('nodegroup').description("manage a cluster's node groups");
  const leaf = (name: string, description: string) =>
    addGlobalOptions(group.command(name).description(description));

  addWaitOptions(
    leaf('create', 'add a node group to a cluster')
      .argument('<cluster>')
      .argument('<name>', 'node group name (lower-case, at most 16 characters)')
      .option('--flavor <flavor>', 'server flavor (default std-2-4)')
      .option('--zone <zone>', "availability zone (default: the cluster's first)")
      .option('--count <n>', 'number of nodes (default 3)')
      .option('--autoscale', 'let the cluster autoscaler change the count between --min and --max')
      .option('--min <n>', 'autoscaling lower bound')
      .option('--max <n>', 'autoscaling upper bound')
      .option('--label <key=value>', 'Kubernetes label on every node (repeatable)', collect)
      .option('--taint <key=value:Effect>', 'taint on every node (repeatable)', collect)
      .option('--max-unavailable <n|%>', 'servers a rolling update may take down at once')
      .option('--volume-type <type>', 'root volume type (default ssd)')
      .option('--volume-size <gb>', 'root volume size in GB (default 20)'),
  ).action(
    action(
      io,
      async (cluster: string, name: string, opts: NodeGroupFlags & WaitFlags, cmd: Command) => {
        const timeoutMs = waitTimeoutMs(opts);
        const fail = (problem: string) => new UsageError(`nodegroup create: ${problem}`);
        const problem = checkNodeGroupName(name);
        if (problem) throw fail(problem);
        const { name: _, ...spec } = buildNodeGroup(name, nodeGroupPairs(opts), fail);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const request = { metadata: { name }, spec };
        const accepted = await client.nodeGroups.create(settings.project, cluster, request);
        const what = `node group "${name}" of cluster "${cluster}" create`;
        await concludeAction({ client, io, out }, accepted, what, timeoutMs, async () => {
          out.one(await client.nodeGroups.get(settings.project, cluster, name), nodeGroupView);
        });
      },
    ),
  );

  leaf('list', "list a cluster's node groups")
    .argument('<cluster>')
    .action(
      action(io, async (cluster: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const groups = await client.nodeGroups.listAll(settings.project, cluster);
        printer(settings.output, io).list(groups, nodeGroupView);
      }),
    );

  leaf('get', 'show a node group')
    .argument('<cluster>')
    .argument('<name>')
    .action(
      action(io, async (cluster: string, name: string, _opts: object, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        const found = await client.nodeGroups.get(settings.project, cluster, name);
        printer(settings.output, io).one(found, nodeGroupView);
      }),
    );

  addWaitOptions(
    leaf('scale', 'change the number of nodes of a node group')
      .argument('<cluster>')
      .argument('<name>')
      .requiredOption('--count <n>', 'the new number of nodes'),
  ).action(
    action(
      io,
      async (cluster: string, name: string, opts: WaitFlags & { count: string }, cmd: Command) => {
        const timeoutMs = waitTimeoutMs(opts);
        const count = parseOr(() => parseCount(opts.count, 'count'), '--count');
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const patched = await client.nodeGroups.patch(settings.project, cluster, name, {
          spec: { count },
        });
        const what = `node group "${name}" of cluster "${cluster}" scale to ${count}`;
        const show = async () =>
          out.one(await client.nodeGroups.get(settings.project, cluster, name), nodeGroupView);
        if (!patched.operation) return show();
        await concludeAction(
          { client, io, out },
          { operation: patched.operation },
          what,
          timeoutMs,
          show,
        );
      },
    ),
  );

  addWaitOptions(
    leaf(
      'upgrade',
      "move a node group to another Kubernetes version (the cluster's version: it follows the cluster again)",
    )
      .argument('<cluster>')
      .argument('<name>')
      .requiredOption('--version <version>', 'minor or patch, at most 3 minors behind the cluster'),
  ).action(
    action(
      io,
      async (
        cluster: string,
        name: string,
        opts: WaitFlags & { version: string },
        cmd: Command,
      ) => {
        const timeoutMs = waitTimeoutMs(opts);
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const accepted = await client.nodeGroups.upgrade(
          settings.project,
          cluster,
          name,
          opts.version,
        );
        const what = `node group "${name}" of cluster "${cluster}" upgrade to ${opts.version}`;
        await concludeAction({ client, io, out }, accepted, what, timeoutMs, async () =>
          out.one(await client.nodeGroups.get(settings.project, cluster, name), nodeGroupView),
        );
      },
    ),
  );

  addWaitOptions(
    leaf('autoscale', 'let the cluster autoscaler own the count between --min and --max')
      .argument('<cluster>')
      .argument('<name>')
      .option('--min <n>', 'lower bound (0 lets the group scale to zero)')
      .option('--max <n>', 'upper bound (at most 500)')
      .option('--disable', 'stop autoscaling; the count stays where the autoscaler left it'),
  ).action(
    action(
      io,
      async (
        cluster: string,
        name: string,
        opts: WaitFlags & { min?: string; max?: string; disable?: boolean },
        cmd: Command,
      ) => {
        const timeoutMs = waitTimeoutMs(opts);
        if (opts.disable && (opts.min !== undefined || opts.max !== undefined)) {
          throw new UsageError('nodegroup autoscale: --disable takes no --min or --max');
        }
        const autoscaling = opts.disable
          ? { enabled: false }
          : {
              enabled: true,
              ...(opts.min === undefined
                ? {}
                : { min: parseOr(() => parseCount(opts.min!, 'min'), '--min') }),
              ...(opts.max === undefined
                ? {}
                : { max: parseOr(() => parseCount(opts.max!, 'max'), '--max') }),
            };
        const { client, settings } = await connect(cmd, io);
        const out = printer(settings.output, io);
        const patched = await client.nodeGroups.patch(settings.project, cluster, name, {
          spec: { autoscaling },
        });
        const show = async () =>
          out.one(await client.nodeGroups.get(settings.project, cluster, name), nodeGroupView);
        if (!patched.operation) return show();
        const what = `node group "${name}" of cluster "${cluster}" autoscaling change`;
        await concludeAction(
          { client, io, out },
          { operation: patched.operation },
          what,
          timeoutMs,
          show,
        );
      },
    ),
  );

  addWaitOptions(
    leaf('delete', 'delete a node group (its nodes are drained first)')
      .argument('<cluster>')
      .argument('<name>'),
  ).action(
    action(io, async (cluster: string, name: string, opts: WaitFlags, cmd: Command) => {
      const timeoutMs = waitTimeoutMs(opts);
      const { client, settings } = await connect(cmd, io);
      const out = printer(settings.output, io);
      const accepted = await client.nodeGroups.delete(settings.project, cluster, name);
      const what = `node group "${name}" of cluster "${cluster}" delete`;
      await concludeAction({ client, io, out }, accepted, what, timeoutMs, async (op) => {
        out.result(op, `node group "${name}" of cluster "${cluster}" deleted`);
      });
    }),
  );
}

function parseOr<T>(parse: () => T, option: string): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(`${option}: ${(err as Error).message}`);
  }
}
