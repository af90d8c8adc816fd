/**
 * Global options (`--endpoint`, `--token`, `--project`, `-o`) and where each setting comes from:
 * a flag beats the environment (`BERTH_ENDPOINT`, `BERTH_TOKEN`, `BERTH_PROJECT`), which beats
 * the config file, which beats the default.
 */
import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { BerthClient, type Fetch } from '@berth/client';
import { DEFAULT_PROJECT } from '@berth/api-types';
import { configPath, readConfig } from './config-file.js';
import { UsageError } from './exit.js';
import type { CliIo } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface GlobalOptions {
  endpoint?: string;
  token?: string;
  project?: string;
  output?: OutputFormat;
}

export type Source = 'flag' | 'env' | 'config' | 'default' | 'unset';

export interface Settings {
  endpoint: string | undefined;
  token: string | undefined;
  /** PEM of the CA the endpoint's certificate must chain to (BERTH_CA_FILE, or the config's). */
  caCertificate?: string | undefined;
  project: string;
  output: OutputFormat;
  configFile: string;
  sources: { endpoint: Source; token: Source; project: Source };
}

/** Adds the global options to `cmd` (the program and every leaf command, so both orders work). */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', 'Berth API address (env BERTH_ENDPOINT)')
    .option('--token <token>', 'API token (env BERTH_TOKEN)')
    .option('-p, --project <name>', `project (env BERTH_PROJECT, default "${DEFAULT_PROJECT}")`)
    .addOption(
      new Option('-o, --output <format>', 'output format (default "table")').choices(
        OUTPUT_FORMATS,
      ),
    );
}

/**
 * Makes the program's own options positional — read only before the subcommand — so a
 * subcommand's `--version 1.34` is not taken for the program's `--version`, then adds the
 * global options to the program.
 */
export function registerGlobalOptions(program: Command): void {
  program.enablePositionalOptions();
  addGlobalOptions(program);
}

/** The global options given anywhere on the line; the one nearest the leaf command wins. */
export function globalOptions(cmd: Command): GlobalOptions {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: GlobalOptions = {};
  for (const c of chain) {
    const o = c.opts<GlobalOptions>();
    for (const key of ['endpoint', 'token', 'project', 'output'] as const) {
      if (o[key] !== undefined) Object.assign(merged, { [key]: o[key] });
    }
  }
  return merged;
}

export async function resolveSettings(options: GlobalOptions, io: CliIo): Promise<Settings> {
  const configFile = configPath(io.env, io.homedir());
  const file = await readConfig(configFile);
  const pick = (flag?: string, env?: string, config?: string, fallback?: string) => {
    if (flag) return { value: flag, source: 'flag' as const };
    if (env) return { value: env, source: 'env' as const };
    if (config) return { value: config, source: 'config' as const };
    if (fallback) return { value: fallback, source: 'default' as const };
    return { value: undefined, source: 'unset' as const };
  };
  const endpoint = pick(options.endpoint, io.env.BERTH_ENDPOINT, file.endpoint);
  const token = pick(options.token, io.env.BERTH_TOKEN, file.token);
  const project = pick(options.project, io.env.BERTH_PROJECT, file.project, DEFAULT_PROJECT);
  const caCertificate = io.env.BERTH_CA_FILE
    ? await readCaFile(io.env.BERTH_CA_FILE)
    : file.caCertificate;
  return {
    endpoint: endpoint.value,
    token: token.value,
    ...(caCertificate === undefined ? {} : { caCertificate }),
    project: project.value ?? DEFAULT_PROJECT,
    output: options.output ?? 'table',
    configFile,
    sources: { endpoint: endpoint.source, token: token.source, project: project.source },
  };
}

export function clientFor(settings: Settings, io: CliIo): BerthClient {
  if (!settings.endpoint) {
    throw new UsageError(
      'no Berth endpoint configured: run `berth login --endpoint URL --token TOKEN` or set BERTH_ENDPOINT',
    );
  }
  const fetch =
    io.fetch ?? (settings.caCertificate ? fetchTrusting(settings.caCertificate) : undefined);
  return new BerthClient({ endpoint: settings.endpoint, token: settings.token, fetch });
}

/** Settings and a client for the command `cmd` (the leaf whose action runs). */
export async function connect(
  cmd: Command,
  io: CliIo,
): Promise<{ client: BerthClient; settings: Settings }> {
  const settings = await resolveSettings(globalOptions(cmd), io);
  return { client: clientFor(settings, io), settings };
}

/** Reads a CA certificate file; throws UsageError naming it. */
export async function readCaFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the CA file ${file}: ${(err as Error).message}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`${file} holds no PEM certificate`);
  return text;
}

/** `fetch` that verifies the server against `caPem` (and only it) — Berth's API CA. */
export function fetchTrusting(caPem: string): Fetch {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as Fetch;
}
