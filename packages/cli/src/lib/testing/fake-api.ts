/**
 * Test doubles at the CLI's boundaries: a scripted HTTP API on 127.0.0.1 (each test routes the
 * calls it expects; anything else is a 404 problem) and `runCli`, which runs the berth program
 * in-process with captured output, its own environment and a Ctrl-C the test can press.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import type { ClusterEvent } from '@berth/api-types';
import { registerClusterCommands } from '../../commands/cluster.js';
import { registerConfigCommands } from '../../commands/config.js';
import { registerLoginCommand } from '../../commands/login.js';
import { registerLogoutCommand } from '../../commands/logout.js';
import { registerKubectlCredentialsCommand } from '../../commands/kubectl-credentials.js';
import { registerNodeGroupCommands } from '../../commands/nodegroup.js';
import { registerProjectCommands } from '../../commands/project.js';
import { registerRegistryCommands } from '../../commands/registry.js';
import { registerTokenCommands } from '../../commands/token.js';
import { registerVersionCommands } from '../../commands/version.js';
import { registerVolumeCommands } from '../../commands/volume.js';
import { registerAddonCommands } from '../../commands/addon.js';
import { registerMonitoringCommands } from '../../commands/monitoring.js';
import { registerWaitCommand } from '../../commands/wait.js';
import type { CliIo } from '../io.js';
import { registerGlobalOptions } from '../settings.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  match: RegExpMatchArray,
) => void;

export interface FakeApi {
  endpoint: string;
  seen: Seen[];
  on(method: string, path: RegExp, route: Route): void;
  /** Sends `event` to every open event stream. */
  emit(event: ClusterEvent): void;
  close(): Promise<void>;
}

export async function startFakeApi(): Promise<FakeApi> {
  const routes: Array<{ method: string; path: RegExp; route: Route }> = [];
  const streams = new Set<ServerResponse>();
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.headers.accept === 'text/event-stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        streams.add(res);
        return void res.on('close', () => streams.delete(res));
      }
      for (const r of routes) {
        const match = r.method === req.method ? path.match(r.path) : null;
        if (match) return r.route(req, res, body, match);
      }
      problem(res, 404, 'BERTH_ERR_NOT_FOUND', `no route for ${req.method} ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    on: (method, path, route) => routes.push({ method, path, route }),
    emit: (e) => {
      for (const s of streams) s.write(`id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function problem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  field?: string,
): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail, field }));
}

export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  tty?: boolean;
  /** What standard input holds. */
  stdin?: string;
  /** Answers yes/no questions as a user at a terminal would; none: no terminal. */
  confirm?: (prompt: string) => boolean;
  /** Called once the command is running, with a function that presses Ctrl-C. */
  whileRunning?: (interrupt: () => void) => void;
}

/** Runs `berth <args>` in-process; resolves when the command finished. */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const run: CliRun = { stdout: '', stderr: '', code: 0 };
  const handlers = new Set<() => void>();
  const io: CliIo = {
    stdout: { write: (s: string) => (run.stdout += s), isTTY: options.tty },
    stderr: { write: (s: string) => (run.stderr += s), isTTY: false },
    env: options.env ?? {},
    homedir: () => '/nonexistent-home',
    now: () => new Date('2025-06-01T12:00:00Z'),
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    setExitCode: (code) => (run.code = code),
    readStdin: async () => options.stdin ?? '',
    readPassword: undefined,
    confirm: options.confirm && (async (prompt: string) => options.confirm!(prompt)),
  };
  const program = new Command('berth').exitOverride();
  program.configureOutput({
    writeOut: (s) => (run.stdout += s),
    writeErr: (s) => (run.stderr += s),
  });
  registerGlobalOptions(program);
  for (const register of [
    registerLoginCommand,
    registerLogoutCommand,
    registerKubectlCredentialsCommand,
    registerClusterCommands,
    registerNodeGroupCommands,
    registerVolumeCommands,
    registerAddonCommands,
    registerMonitoringCommands,
    registerTokenCommands,
    registerProjectCommands,
    registerVersionCommands,
    registerRegistryCommands,
    registerConfigCommands,
    registerWaitCommand,
  ]) {
    register(program, io);
  }
  options.whileRunning?.(() => handlers.forEach((h) => h()));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    run.code = (err as { exitCode?: number }).exitCode ?? 1;
  }
  return run;
}
