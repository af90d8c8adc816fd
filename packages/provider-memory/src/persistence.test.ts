import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { MemoryProvider } from './memory-provider.js';
import { signal, tags, world } from './test-world.js';

const dirs: string[] = [];
function stateFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-memory-test-'));
  dirs.push(dir);
  return path.join(dir, 'state', 'provider.json');
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('state file', () => {
  it('a new provider on the same file sees the same objects and adopts them on create', async () => {
    const file = stateFile();
    const first = await world({ stateFile: file });
    const server = await first.server('master-0');
    first.provider.crashServer(server.id);
    const reopened = new MemoryProvider({ stateFile: file });
    const restored = await reopened.servers.get({ id: server.id }, signal);
    assert.equal(restored.status, 'ERROR', 'crash state lost');
    assert.deepEqual(
      { ...restored, status: 'ACTIVE', fault: null },
      { ...server, status: 'ACTIVE', fault: null },
    );
    const again = await reopened.servers.create(
      {
        name: 'master-0',
        tags,
        flavor: 'std-2-4',
        zone: 'az1',
        ports: [{ networkId: server.ports[0]!.networkId }],
      },
      signal,
    );
    assert.equal(again.id, server.id);
    const external = await reopened.networks.list({ external: true }, signal);
    assert.equal(external.length, 1, 'external network duplicated on restart');
    const other = await reopened.networks.create({ name: 'net-2', tags }, signal);
    const ids = Object.keys(reopened.snapshotState().networks);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(!Object.keys(first.provider.snapshotState().servers).includes(other.id), 'id reused');
  });

  it('is written atomically: valid JSON, no temporary file left behind', async () => {
    const file = stateFile();
    const { server } = await world({ stateFile: file });
    await server('a');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['provider.json']);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; servers: object };
    assert.equal(saved.version, 1);
    assert.equal(Object.keys(saved.servers).length, 1);
  });

  it('without a state file nothing touches the disk', async () => {
    const { provider, server } = await world();
    await server('a');
    assert.equal(new MemoryProvider().snapshotState().servers.constructor, Object);
    assert.equal(Object.keys(new MemoryProvider().snapshotState().servers).length, 0);
    assert.equal(Object.keys(provider.snapshotState().servers).length, 1);
  });

  it('survives kill -9 mid-stream: every create that returned is on disk, none duplicated', async () => {
    const file = stateFile();
    const moduleUrl = new URL('./memory-provider.js', import.meta.url).href;
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', childScript(moduleUrl, file)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const created: string[] = [];
    child.stdout.setEncoding('utf8');
    let buffered = '';
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      created.push(...lines.filter(Boolean));
      if (created.length >= 40) child.kill('SIGKILL');
    });
    const [, killedBy] = await once(child, 'exit');
    assert.equal(killedBy, 'SIGKILL');

    const restarted = new MemoryProvider({ stateFile: file });
    const servers = await restarted.servers.list({ tags }, signal);
    const byName = new Map(servers.map((s) => [s.name, s.id]));
    for (const line of created) {
      const [name, id] = line.split(' ');
      assert.equal(
        byName.get(name!),
        id,
        `${name} returned before the kill but is missing after restart`,
      );
    }
    assert.equal(new Set(servers.map((s) => s.name)).size, servers.length, 'duplicate names');
    const addresses = servers.map((s) => s.ports[0]!.fixedIp);
    assert.equal(new Set(addresses).size, addresses.length, 'duplicate addresses');
  });
});

/** Creates servers forever, printing `name id` after each create resolves. */
function childScript(moduleUrl: string, file: string): string {
  return `
    import { MemoryProvider } from ${JSON.stringify(moduleUrl)};
    const signal = new AbortController().signal;
    const tags = ${JSON.stringify(tags)};
    const p = new MemoryProvider({ stateFile: ${JSON.stringify(file)} });
    const net = await p.networks.create({ name: 'net', tags }, signal);
    await p.networks.createSubnet({ name: 's', tags, networkId: net.id, cidr: '10.0.0.0/16' }, signal);
    for (let i = 0; ; i++) {
      const s = await p.servers.create(
        { name: 'vm-' + i, tags, flavor: 'std-2-4', zone: 'az1', ports: [{ networkId: net.id }] }, signal);
      process.stdout.write(s.name + ' ' + s.id + '\\n');
    }
  `;
}
