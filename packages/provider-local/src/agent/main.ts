#!/usr/bin/env node
/**
 * Entry point of the server agent: `node main.js --dir <server dir>`. The provider starts it
 * detached (its own session and process group) inside the server's network namespace, with
 * stdout/stderr going to the server's agent log.
 */
import { Agent } from './agent.js';
import { errorMessage } from './errors.js';
import { serverLayout } from './layout.js';

function parseDir(argv: string[]): string {
  const at = argv.indexOf('--dir');
  const dir = at >= 0 ? argv[at + 1] : undefined;
  if (dir === undefined) {
    process.stderr.write('usage: berth-agent --dir <server dir>\n');
    process.exit(2);
  }
  return dir;
}

function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + '\n');
}

async function main(): Promise<void> {
  const agent = new Agent({ layout: serverLayout(parseDir(process.argv.slice(2))), log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('agent.signal', { signal });
    agent.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        log('agent.shutdown-failed', { error: errorMessage(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    agent
      .reload()
      .catch((err: unknown) => log('agent.reload-failed', { error: errorMessage(err) }));
  });
  // Signal handlers do not keep Node's event loop alive; an agent without services must still
  // wait for its stop signal.
  setInterval(() => undefined, 1 << 30);
  await agent.start();
}

main().catch((err: unknown) => {
  log('agent.failed', { error: errorMessage(err) });
  process.exit(1);
});
