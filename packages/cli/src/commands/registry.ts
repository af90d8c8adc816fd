/**
 * `berth registry …`: the platform's container registry. `info` shows its endpoint and CA;
 * `login` writes what ordinary OCI clients read — `auths[<endpoint>]` in a Docker-style
 * `config.json` (Basic auth with the Berth token as password) and the CA as
 * `certs.d/<endpoint>/ca.crt` — under `--config-dir` (default `$DOCKER_CONFIG` or `~/.docker`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { RegistryInfo } from '@berth/api-types';
import { UsageError, action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import { writePrivateFile } from '../lib/private-file.js';
import { addGlobalOptions, connect } from '../lib/settings.js';
import { printer } from './output.js';

export interface DockerConfig {
  auths?: Record<string, { auth?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** `config` with `endpoint`'s credentials set; every other entry and key kept. */
export function withRegistryAuth(
  config: DockerConfig,
  endpoint: string,
  username: string,
  secret: string,
): DockerConfig {
  const auth = Buffer.from(`${username}:${secret}`, 'utf8').toString('base64');
  return { ...config, auths: { ...(config.auths ?? {}), [endpoint]: { auth } } };
}

export function registerRegistryCommands(program: Command, io: CliIo = processIo()): void {
  const registry = program
    .command('registry')
    .description("the platform's container registry: push with OCI clients, run with kubectl");
  const leaf = (name: string, description: string) =>
    addGlobalOptions(registry.command(name).description(description));

  leaf('info', "the registry's endpoint and CA certificate").action(
    action(io, async (_opts: object, cmd: Command) => {
      const { client, settings } = await connect(cmd, io);
      const info = await client.registry.get();
      printer(settings.output, io).result(info, `${info.endpoint}\n${info.caCertificate.trim()}`);
    }),
  );

  leaf('login', 'write a Docker-style client config (auth and CA) for the registry')
    .option(
      '--config-dir <dir>',
      'where config.json and certs.d go (default $DOCKER_CONFIG or ~/.docker)',
    )
    .option('--username <name>', 'user name to record (any: the token is what counts)', 'berth')
    .action(
      action(io, async (opts: { configDir?: string; username: string }, cmd: Command) => {
        const { client, settings } = await connect(cmd, io);
        if (!settings.token)
          throw new UsageError('registry login needs a token (--token or BERTH_TOKEN)');
        const info = await client.registry.get();
        const dir = opts.configDir ?? io.env.DOCKER_CONFIG ?? path.join(io.homedir(), '.docker');
        const written = await writeClientConfig(dir, info, opts.username, settings.token);
        printer(settings.output, io).result(
          { endpoint: info.endpoint, ...written },
          [
            `Logged in to registry ${info.endpoint}: credentials in ${written.config}, CA in ${written.ca}.`,
            `Push:  <client> push ${info.endpoint}/${settings.project}/<name>:<tag>`,
            `Run:   kubectl run <pod> --image=${info.endpoint}/${settings.project}/<name>:<tag>`,
            `Clients that ignore certs.d (crane, curl) take the CA from SSL_CERT_FILE=${written.ca};`,
            `the Docker daemon reads it from /etc/docker/certs.d/${info.endpoint}/ca.crt.`,
          ].join('\n'),
        );
      }),
    );
}

async function writeClientConfig(
  dir: string,
  info: RegistryInfo,
  username: string,
  secret: string,
): Promise<{ config: string; ca: string }> {
  const config = path.join(dir, 'config.json');
  let current: DockerConfig = {};
  try {
    current = JSON.parse(await fs.readFile(config, 'utf8')) as DockerConfig;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`${config} is not valid JSON; fix or move it first`);
  }
  await writePrivateFile(
    config,
    `${JSON.stringify(withRegistryAuth(current, info.endpoint, username, secret), null, 2)}\n`,
  );
  const ca = path.join(dir, 'certs.d', info.endpoint, 'ca.crt');
  await fs.mkdir(path.dirname(ca), { recursive: true, mode: 0o755 });
  await fs.writeFile(ca, info.caCertificate, { mode: 0o644 });
  return { config, ca };
}
