/**
 * A throwaway PostgreSQL server for tests. With `BERTH_TEST_DATABASE_URL` set, that server is
 * used instead. Either way each caller gets fresh databases from `createDatabase()`.
 *
 * The local server runs as the `postgres` user (PostgreSQL refuses root) from the installed
 * binaries, in a temp dir owned by postgres, listening on 127.0.0.1 at a free port with its unix
 * socket in the same dir. `stop()` ends it by PID (fast shutdown) and removes the dir; an exit
 * hook does the same if the test process dies first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '@berth/test-kit';

export interface TestPostgres {
  /** URL of the maintenance database (`postgres`). */
  readonly url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const PG_BIN = process.env.BERTH_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const START_TIMEOUT_MS = 30_000;

function runAsPostgres(args: string[]): void {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${args[0]} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function databaseCreator(url: string): () => Promise<string> {
  return async () => {
    const name = `berth_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    const target = new URL(url);
    target.pathname = `/${name}`;
    return target.toString();
  };
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts (or attaches to) a PostgreSQL server for one test file. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.BERTH_TEST_DATABASE_URL;
  if (external)
    return {
      url: external,
      createDatabase: databaseCreator(external),
      stop: async () => undefined,
    };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pg-'));
  const dataDir = path.join(dir, 'data');
  const cleanupDir = () => fs.rmSync(dir, { recursive: true, force: true });
  let child: ChildProcess | undefined;
  const killServer = (signal: NodeJS.Signals) => {
    const pid = postmasterPid(dataDir);
    if (pid !== undefined) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => {
    killServer('SIGQUIT');
    cleanupDir();
  };
  process.once('exit', onExit);
  try {
    spawnSync('chown', ['postgres:postgres', dir]);
    runAsPostgres([
      `${PG_BIN}/initdb`,
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    const port = await freePort();
    child = spawn(
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        `${PG_BIN}/postgres`,
        '-D',
        dataDir,
        '-k',
        dir,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { stdio: 'ignore' },
    );
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitForServer(url, child);
    const started = child;
    return {
      url,
      createDatabase: databaseCreator(url),
      stop: async () => {
        const exited = new Promise<void>((resolve) => {
          if (started.exitCode !== null) resolve();
          else started.once('exit', () => resolve());
        });
        killServer('SIGINT');
        await exited;
        cleanupDir();
        process.removeListener('exit', onExit);
      },
    };
  } catch (err) {
    killServer('SIGQUIT');
    child?.kill('SIGKILL');
    cleanupDir();
    process.removeListener('exit', onExit);
    throw err;
  }
}
