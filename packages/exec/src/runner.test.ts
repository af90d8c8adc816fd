import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRunner, ProcessRunner } from './index.js';

test('process runner captures output and exit code', async () => {
  const runner = new ProcessRunner();
  const ok = await runner.run('sh', ['-c', 'echo out; echo err >&2'], {});
  assert.equal(ok.stdout, 'out\n');
  assert.equal(ok.stderr, 'err\n');
  const failed = await runner.run('sh', ['-c', 'exit 3'], { check: false });
  assert.equal(failed.exitCode, 3);
});

test('process runner throws a command error naming the command and stderr', async () => {
  await assert.rejects(
    new ProcessRunner().run('sh', ['-c', 'echo boom >&2; exit 2']),
    (err: Error) => {
      assert.match(err.message, /sh -c .* exited 2: boom/);
      return true;
    },
  );
});

test('process runner passes stdin and kills on timeout', async () => {
  const runner = new ProcessRunner();
  assert.equal((await runner.run('cat', [], { input: 'hello' })).stdout, 'hello');
  await assert.rejects(runner.run('sleep', ['5'], { timeoutMs: 100 }), /timed out/);
});

test('process runner reports a missing binary as a command error', async () => {
  await assert.rejects(new ProcessRunner().run('/nonexistent/berth-cmd', []), /ENOENT/);
});

test('fake runner records calls and answers by prefix', async () => {
  const fake = new FakeRunner()
    .on('ip netns list', { stdout: 'berth-s-1\n' })
    .on('nft', { exitCode: 1, stderr: 'nope' });
  assert.equal((await fake.run('ip', ['netns', 'list'])).stdout, 'berth-s-1\n');
  await assert.rejects(fake.run('nft', ['-f', '-']), /nope/);
  assert.deepEqual(fake.lines(), ['ip netns list', 'nft -f -']);
});
