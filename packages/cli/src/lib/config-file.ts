/** The CLI's config file: where `berth login` keeps the endpoint, token and project. */
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError } from './exit.js';
import { writePrivateFile } from './private-file.js';

export interface CliConfig {
  endpoint?: string | undefined;
  token?: string | undefined;
  project?: string | undefined;
  /** The directory user whose session `token` is (`berth login --user`). */
  user?: string | undefined;
  /** PEM of the CA the endpoint's certificate chains to (`berth login --ca-file`). */
  caCertificate?: string | undefined;
}

const KEYS = ['endpoint', 'token', 'project', 'user', 'caCertificate'] as const;

/** `$BERTH_CONFIG`, else `$XDG_CONFIG_HOME/berth/config.yaml`, else `~/.config/berth/config.yaml`. */
export function configPath(env: Record<string, string | undefined>, homedir: string): string {
  if (env.BERTH_CONFIG) return env.BERTH_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(homedir, '.config');
  return path.join(base, 'berth', 'config.yaml');
}

/** The config at `file`; `{}` when there is none. Throws UsageError when it cannot be read. */
export async function readConfig(file: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): CliConfig {
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${file} must be a mapping of endpoint, token and project`);
  }
  const config: CliConfig = {};
  for (const key of KEYS) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new UsageError(`${file}: ${key} must be a string`);
    config[key] = v;
  }
  return config;
}

export function renderConfig(config: CliConfig): string {
  const body: Record<string, string> = {};
  for (const key of KEYS) if (config[key]) body[key] = config[key];
  return `# Written by \`berth login\`. Holds an API token: keep it private (mode 0600).\n${YAML.stringify(body)}`;
}

/** Writes `config` to `file` with mode 0600 (see private-file.ts). */
export async function writeConfig(file: string, config: CliConfig): Promise<void> {
  await writePrivateFile(file, renderConfig(config));
}
