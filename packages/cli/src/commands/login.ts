/**
 * `berth login`: checks an endpoint and token against the API, then saves them (and the
 * project) in the config file with mode 0600, so later commands need no flags.
 *
 * `berth login --user NAME` signs a directory user in instead: the password comes from
 * `--password-stdin`, else BERTH_PASSWORD, else a prompt on the terminal (never a flag: flags
 * show in `ps`); the session token the API returns is what gets saved. The project saved is
 * `--project` when given, else the first project the user has a role in.
 *
 * An https endpoint must be trusted: by the CA of `--ca-file` (or BERTH_CA_FILE, or the one this
 * config already recorded for the same endpoint), else by the system's CAs. When it is not and
 * no CA file was given, the CA certificate the server offers in its handshake is pinned — only
 * if its fingerprint matches `--ca-fingerprint`, or the user says yes at a terminal after seeing
 * it (trust on first use). Whatever CA was used is saved with the endpoint.
 */
import type { Command } from 'commander';
import type { BerthClient } from '@berth/client';
import { readConfig, writeConfig } from '../lib/config-file.js';
import { checkServerTrust, parseFingerprint, type OfferedCa } from '../lib/server-trust.js';
import { UsageError, action } from '../lib/exit.js';
import { processIo, type CliIo } from '../lib/io.js';
import {
  addGlobalOptions,
  clientFor,
  globalOptions,
  readCaFile,
  resolveSettings,
  type Settings,
} from '../lib/settings.js';

interface LoginOptions {
  user?: string;
  passwordStdin?: boolean;
  caFile?: string;
  caFingerprint?: string;
}

export function registerLoginCommand(program: Command, io: CliIo = processIo()): void {
  const login = program
    .command('login')
    .description('check an endpoint and token (or sign in a directory user), then save them')
    .option('--user <name>', 'sign in as this directory (LDAP / Active Directory) user')
    .option('--password-stdin', 'read the password from standard input (with --user)')
    .option(
      '--ca-file <file>',
      "the CA an https endpoint's certificate must chain to (berth server writes <data-dir>/api-ca.crt); saved",
    )
    .option(
      '--ca-fingerprint <sha256:hex>',
      'trust the CA the server offers if its SHA-256 fingerprint is this (berth server prints it); saved',
    );
  addGlobalOptions(login).action(
    action(io, async (opts: LoginOptions, cmd: Command) => {
      const resolved = await resolveSettings(globalOptions(cmd), io);
      if (!resolved.endpoint)
        throw new UsageError('login needs --endpoint URL (or BERTH_ENDPOINT)');
      const settings = { ...resolved, caCertificate: await trustedCa(resolved, opts, io) };
      if (opts.user !== undefined) return loginUser(settings, opts, cmd, io);
      if (!settings.token) throw new UsageError('login needs --token TOKEN (or BERTH_TOKEN)');
      const client = clientFor(settings, io);
      // Listing the project's clusters proves the endpoint answers, the token is valid and it
      // may read the project — what every later command needs.
      await client.clusters.list(settings.project, { limit: 1 });
      await save(settings, { token: settings.token, project: settings.project });
      io.stdout.write(
        `Logged in to ${settings.endpoint} (project "${settings.project}"); saved to ${settings.configFile}\n`,
      );
    }),
  );
}

/**
 * The CA to verify the endpoint with from now on (undefined: the system's CAs). Throws
 * UsageError when the server is not trusted and the user did not confirm the CA it offers.
 */
async function trustedCa(
  settings: Settings,
  opts: LoginOptions,
  io: CliIo,
): Promise<string | undefined> {
  const endpoint = settings.endpoint!;
  const expected =
    opts.caFingerprint === undefined ? undefined : parseFingerprint(opts.caFingerprint);
  if (opts.caFile !== undefined) return readCaFile(opts.caFile);
  if (io.env.BERTH_CA_FILE) return settings.caCertificate;
  // A CA recorded for another endpoint says nothing about this one.
  const recorded = (await readConfig(settings.configFile)).endpoint === endpoint;
  const given = recorded ? settings.caCertificate : undefined;
  if (!endpoint.startsWith('https:') || io.fetch !== undefined) return given;
  const trust = await checkServerTrust(endpoint, given);
  if (trust === undefined || trust.trusted) return given;
  return pinOfferedCa(endpoint, trust, expected, io);
}

/** Trust on first use: the CA the server offers, if the fingerprint matches or the user says yes. */
async function pinOfferedCa(
  endpoint: string,
  { offered, reason }: { offered: OfferedCa | undefined; reason: string },
  expected: string | undefined,
  io: CliIo,
): Promise<string> {
  if (offered === undefined)
    throw new UsageError(
      `the certificate of ${endpoint} is not trusted (${reason}) and the server offers no CA certificate to pin: give --ca-file`,
    );
  if (expected !== undefined) {
    if (offered.fingerprint !== expected)
      throw new UsageError(
        `the CA ${endpoint} offers has fingerprint ${offered.fingerprint}, not ${expected}: not trusted (check the fingerprint berth server printed; someone may be in between)`,
      );
    return offered.pem;
  }
  if (io.confirm === undefined)
    throw new UsageError(
      `the certificate of ${endpoint} is not trusted (${reason}); the CA it offers is ${describeCa(offered)}. ` +
        `If that is the fingerprint berth server printed, run again with --ca-fingerprint ${offered.fingerprint} (or give --ca-file)`,
    );
  io.stderr.write(
    `The certificate of ${endpoint} is not trusted (${reason}).\n` +
      `The server offers the CA ${describeCa(offered)}.\n` +
      'Compare it with the fingerprint berth server printed at its start ("API CA: … sha256:…").\n',
  );
  if (!(await io.confirm(`Trust this CA for ${endpoint}? [y/N] `)))
    throw new UsageError(`CA not trusted; nothing saved`);
  return offered.pem;
}

function describeCa(ca: OfferedCa): string {
  return `"${ca.subject}" with fingerprint ${ca.fingerprint}`;
}

async function loginUser(
  settings: Settings,
  opts: LoginOptions,
  cmd: Command,
  io: CliIo,
): Promise<void> {
  const username = opts.user!;
  const password = await readPassword(username, opts, io);
  const anonymous = clientFor({ ...settings, token: undefined }, io);
  const session = await anonymous.login(username, password);
  const client: BerthClient = clientFor({ ...settings, token: session.token }, io);
  const me = await client.whoami();
  const projects = Object.keys(me.roles ?? {}).sort();
  const explicit = cmd.optsWithGlobals<{ project?: string }>().project !== undefined;
  const project = explicit || projects.length === 0 ? settings.project : projects[0]!;
  await save(settings, { token: session.token, project, user: session.username });
  const groups = session.groups.length > 0 ? session.groups.join(', ') : 'none';
  io.stdout.write(
    `Signed in to ${settings.endpoint} as ${session.username} (groups: ${groups}) until ` +
      `${session.expiresAt}; project "${project}"; saved to ${settings.configFile}\n`,
  );
  if (!projects.includes(project)) {
    io.stderr.write(
      projects.length === 0
        ? `berth: ${session.username} has no role in any project yet; ask a project admin\n`
        : `berth: ${session.username} has no role in "${project}" (has: ${projects.join(', ')})\n`,
    );
  }
}

async function readPassword(username: string, opts: LoginOptions, io: CliIo): Promise<string> {
  let password: string | undefined;
  if (opts.passwordStdin) password = (await io.readStdin?.())?.replace(/\r?\n$/, '');
  else if (io.env.BERTH_PASSWORD !== undefined) password = io.env.BERTH_PASSWORD;
  else if (io.readPassword) password = await io.readPassword(`Password for ${username}: `);
  if (!password) {
    throw new UsageError(
      'login --user needs a password: --password-stdin, BERTH_PASSWORD or a terminal to ask on',
    );
  }
  return password;
}

async function save(
  settings: Settings,
  values: { token: string; project: string; user?: string },
): Promise<void> {
  const {
    user: _signedOut,
    caCertificate: _previousCa,
    ...saved
  } = await readConfig(settings.configFile);
  await writeConfig(settings.configFile, {
    ...saved,
    endpoint: settings.endpoint,
    ...(settings.caCertificate === undefined ? {} : { caCertificate: settings.caCertificate }),
    ...values,
  });
}
