import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import type { StartServerOptions } from '@berth/server';
import { registerServerCommand, type ServerCommandDeps } from './server.js';

function fakeDeps() {
  const calls: { options?: StartServerOptions; stopped: boolean; out: string } = {
    stopped: false,
    out: '',
  };
  const deps: ServerCommandDeps = {
    start: async (options) => {
      calls.options = options;
      return {
        url: 'http://127.0.0.1:9999',
        stop: async () => void (calls.stopped = true),
      } as never;
    },
    stopSignal: async () => 'SIGTERM',
    out: { write: (text: string) => (calls.out += text) },
  };
  return { deps, calls };
}

function program(deps: ServerCommandDeps): Command {
  const root = new Command('berth').exitOverride();
  registerServerCommand(root, deps);
  return root;
}

test('berth server maps its flags to startServer and stops on a signal', async () => {
  const { deps, calls } = fakeDeps();
  await program(deps).parseAsync(
    [
      'server',
      '--listen',
      '0.0.0.0:8443',
      '--data-dir',
      'rel/dir',
      '--provider',
      'local',
      '--database-url',
      'postgres://db/berth',
    ],
    { from: 'user' },
  );
  assert.equal(calls.options?.listen, '0.0.0.0:8443');
  assert.equal(calls.options?.dataDir, `${process.cwd()}/rel/dir`);
  assert.equal(calls.options?.provider, 'local');
  assert.equal(calls.options?.databaseUrl, 'postgres://db/berth');
  assert.equal(calls.stopped, true);
  assert.match(calls.out, /listening on http:\/\/127\.0\.0\.1:9999[\s\S]*SIGTERM/);
});

test('berth server refuses an unknown provider', async () => {
  const { deps } = fakeDeps();
  await assert.rejects(
    program(deps).parseAsync(['server', '--provider', 'aws'], { from: 'user' }),
    /local or memory/,
  );
});

test('berth server runs the registry unless --no-registry; --registry-port sets its port', async () => {
  const parse = async (...args: string[]) => {
    const { deps, calls } = fakeDeps();
    await program(deps).parseAsync(['server', ...args], { from: 'user' });
    return calls.options?.registry;
  };
  assert.equal(await parse(), true);
  assert.equal(await parse('--no-registry'), false);
  assert.deepEqual(await parse('--registry-port', '5443'), { port: 5443 });
  await assert.rejects(parse('--registry-port', 'x'), /port number/);
});

test('berth server prints where its API CA is and its fingerprint; --insecure-http asks for HTTP', async () => {
  const { deps, calls } = fakeDeps();
  const fingerprint = `sha256:${'0f'.repeat(32)}`;
  deps.start = async (options) => {
    calls.options = options;
    return {
      url: 'https://127.0.0.1:9999',
      caFile: { path: '/data/api-ca.crt', fingerprint },
      stop: async () => undefined,
    } as never;
  };
  await program(deps).parseAsync(['server'], { from: 'user' });
  assert.equal(calls.options?.insecureHttp, undefined);
  assert.ok(calls.out.includes(`API CA: /data/api-ca.crt ${fingerprint}`), calls.out);
  assert.ok(calls.out.includes(`--ca-fingerprint ${fingerprint}`), calls.out);
  const plain = fakeDeps();
  await program(plain.deps).parseAsync(['server', '--insecure-http'], { from: 'user' });
  assert.equal(plain.calls.options?.insecureHttp, true);
  assert.doesNotMatch(plain.calls.out, /API CA/);
});

test('berth server --config passes the file, resolved, to startServer', async () => {
  const { deps, calls } = fakeDeps();
  await program(deps).parseAsync(['server', '--config', 'etc/berth.yaml'], { from: 'user' });
  assert.equal(calls.options?.configFile, `${process.cwd()}/etc/berth.yaml`);
});
