/**
 * `node etcd-member.js --name N --peer-url URL --data-dir DIR --members URL,… --cacert F --cert F
 * --key F -- <etcd> <etcd args…>`: starts a master's etcd member the right way for its disk (see
 * etcd-join.ts), then runs etcd in the foreground, passing signals on and exiting as it exits, so
 * the agent supervises etcd through it. `--members` are the other masters' client URLs; the
 * client certificate is one the etcd CA signed (the apiserver's).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { EtcdGateway, type EtcdMember, type EtcdTls } from './etcd-gateway.js';
import { joinArgs, planStart } from './etcd-join.js';

async function main(): Promise<void> {
  const split = process.argv.indexOf('--');
  const [etcd, ...etcdArgs] = process.argv.slice(split + 1);
  const { values: o } = parseArgs({
    args: process.argv.slice(2, split),
    options: Object.fromEntries(
      ['name', 'peer-url', 'data-dir', 'members', 'cacert', 'cert', 'key'].map((k) => [
        k,
        { type: 'string' as const },
      ]),
    ),
  });
  if (split < 0 || etcd === undefined || Object.values(o).length < 7)
    throw new Error('usage: etcd-member.js --name … --key F -- <etcd> <args…>');
  const tls: EtcdTls = {
    caPem: await readFile(o.cacert!, 'utf8'),
    certPem: await readFile(o.cert!, 'utf8'),
    keyPem: await readFile(o.key!, 'utf8'),
  };
  const marker = `${o['data-dir']!.replace(/\/+$/, '')}-join.json`;
  const hasData = existsSync(join(o['data-dir']!, 'member'));
  if (hasData) await rm(marker, { force: true });
  const members = hasData ? undefined : await anyMemberList(o.members!.split(','), tls);
  const plan = planStart({
    name: o.name!,
    peerUrl: o['peer-url']!,
    hasData,
    joining: existsSync(marker),
    members: members?.list,
  });
  console.log(
    `etcd-member: ${plan.why}${members ? ` (members by ${members.gateway.endpoint}: ${describe(members.list)})` : ''}`,
  );
  let args = etcdArgs;
  if (plan.kind === 'join') {
    const gateway = members!.gateway;
    if (plan.remove !== undefined) await gateway.remove(plan.remove);
    await mkdir(dirname(marker), { recursive: true });
    await writeFile(marker, JSON.stringify(plan.initialCluster));
    if (plan.add) await gateway.add(o['peer-url']!);
    args = joinArgs(etcdArgs, plan.initialCluster);
  }
  run(etcd, args);
}

async function anyMemberList(
  endpoints: string[],
  tls: EtcdTls,
): Promise<{ gateway: EtcdGateway; list: EtcdMember[] } | undefined> {
  for (const endpoint of endpoints.filter((e) => e !== '')) {
    const gateway = new EtcdGateway(endpoint, tls);
    try {
      return { gateway, list: await gateway.members() };
    } catch {
      // not up, or no quorum yet: ask the next one
    }
  }
  return undefined;
}

function describe(members: EtcdMember[]): string {
  return members
    .map(
      (m) =>
        `${m.name || m.ID} ${m.peerURLs?.join(' ') ?? ''}${m.clientURLs?.length ? '' : ' (not started)'}`,
    )
    .join(', ');
}

function run(command: string, args: string[]): void {
  const child = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  child.on('error', (err) => {
    console.error(`etcd-member: cannot start ${command}: ${err.message}`);
    process.exitCode = 127;
  });
}

main().catch((err: unknown) => {
  console.error(`etcd-member: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
