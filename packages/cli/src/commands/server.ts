/**
 * `berth server`: runs the API and the controllers until SIGTERM/SIGINT, then
 * shuts down gracefully: stops controllers, ends event streams, finishes in-flight requests,
 * closes the store. The first start prints a generated admin token once on stdout (unless
 * BERTH_ADMIN_TOKEN provides one).
 */
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultComponentsDir } from '@berth/components';
import type { ProviderKind, RunningServer, StartServerOptions } from '@berth/server';

export interface ServerCommandDeps {
  start: (options: StartServerOptions) => Promise<RunningServer>;
  /** Resolves when the process is asked to stop. */
  stopSignal: () => Promise<NodeJS.Signals>;
  out: { write(text: string): unknown };
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * The server (Fastify, the store, the controllers) loads only when `berth server` runs, so every
 * other command starts quickly. `startServer` is the composition root; this only maps flags.
 */
async function start(options: StartServerOptions): Promise<RunningServer> {
  const { startServer } = await import('@berth/server');
  return startServer(options);
}

export const defaultServerDeps: ServerCommandDeps = {
  start,
  stopSignal: waitForSignal,
  out: process.stdout,
};

function providerKind(value: string): ProviderKind {
  if (value === 'memory' || value === 'local') return value;
  throw new Error(`--provider must be local or memory, not "${value}"`);
}

function registryPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--registry-port must be a port number, not "${value}"`);
  return port;
}

interface ServerFlags {
  listen: string;
  dataDir: string;
  provider: ProviderKind;
  databaseUrl?: string;
  registry: boolean;
  registryPort?: string;
  tlsCert?: string;
  tlsKey?: string;
  tls?: boolean;
  insecureHttp?: boolean;
  config?: string;
}

function tlsOption(flags: ServerFlags): StartServerOptions['tls'] {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new Error('--tls-cert and --tls-key go together');
  if (flags.tlsCert !== undefined && flags.tls)
    throw new Error('--tls makes a certificate; do not give --tls-cert/--tls-key with it');
  if (flags.tlsCert !== undefined)
    return { certFile: path.resolve(flags.tlsCert), keyFile: path.resolve(flags.tlsKey!) };
  return flags.tls ? 'auto' : undefined;
}

export function registerServerCommand(
  program: Command,
  deps: ServerCommandDeps = defaultServerDeps,
): void {
  program
    .command('server')
    .description('Run the Berth API server (and its controllers) until SIGTERM/SIGINT')
    .option(
      '--listen <host:port>',
      'address to serve on',
      process.env.BERTH_LISTEN ?? '127.0.0.1:8080',
    )
    .option(
      '--data-dir <dir>',
      'SQLite store, provider state',
      process.env.BERTH_DATA_DIR ?? path.join(os.homedir(), '.berth', 'data'),
    )
    .option(
      '--provider <kind>',
      'infrastructure provider: local | memory',
      providerKind,
      'memory' as ProviderKind,
    )
    .option(
      '--database-url <url>',
      'PostgreSQL URL instead of SQLite (default: $BERTH_DATABASE_URL)',
    )
    .option('--no-registry', 'run no container registry (also BERTH_REGISTRY=off)')
    .option(
      '--registry-port <port>',
      'port of the platform registry on loopback and the external network (default $BERTH_REGISTRY_PORT or 5000)',
    )
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; env BERTH_TLS_CERT)')
    .option('--tls-key <file>', 'and this key (PEM; env BERTH_TLS_KEY)')
    .option(
      '--tls',
      "serve HTTPS with a certificate from Berth's API CA, made on the first start (the default; env BERTH_TLS=auto)",
    )
    .option(
      '--config <file>',
      'YAML file with the directory (LDAP) settings; BERTH_LDAP_* variables win over it (env BERTH_SERVER_CONFIG)',
    )
    .option(
      '--insecure-http',
      'serve plain HTTP instead of HTTPS, on a loopback address only (tests; env BERTH_INSECURE_HTTP=true)',
    )
    .action(async (flags: ServerFlags) => {
      const tls = tlsOption(flags);
      const base: StartServerOptions = {
        ...(tls === undefined ? {} : { tls }),
        ...(flags.insecureHttp ? { insecureHttp: true } : {}),
        ...(flags.config === undefined ? {} : { configFile: path.resolve(flags.config) }),
        listen: flags.listen,
        dataDir: path.resolve(flags.dataDir),
        provider: flags.provider,
        databaseUrl: flags.databaseUrl,
        componentsDir: defaultComponentsDir(),
        print: (line) => deps.out.write(`${line}\n`),
        registry: !flags.registry
          ? false
          : flags.registryPort === undefined
            ? true
            : { port: registryPort(flags.registryPort) },
      };
      const server = await deps.start(base);
      deps.out.write(`berth server listening on ${server.url}\n`);
      if (server.caFile)
        deps.out.write(
          `API CA: ${server.caFile.path} ${server.caFile.fingerprint}\n` +
            `  (berth login --endpoint ${server.url} --ca-file ${server.caFile.path}, or --ca-fingerprint ${server.caFile.fingerprint})\n`,
        );
      if (server.registry)
        deps.out.write(`platform registry at ${server.registry.info.endpoint}\n`);
      const signal = await deps.stopSignal();
      deps.out.write(`received ${signal}; shutting down\n`);
      await server.stop();
    });
}
