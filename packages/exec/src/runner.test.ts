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

test('a run env is applied over the base environment; undefined removes a variable', async () => {
  const base = { PATH: process.env.PATH, A: 'a', B: 'b' };
  const runner = new ProcessRunner({ env: base });
  const script = 'echo "${A-}|${B-unset}|${C-}|${HOME-nohome}"';
  const merged = await runner.run('sh', ['-c', script], { env: { B: undefined, C: 'c' } });
  assert.equal(merged.stdout, 'a|unset|c|nohome\n');
  assert.equal((await runner.run('sh', ['-c', script])).stdout, 'a|b||nohome\n');
  assert.deepEqual(base, { PATH: process.env.PATH, A: 'a', B: 'b' }, 'base left as it was');
});

test('by default the base environment is this process environment when the command starts', async (t) => {
  const runner = new ProcessRunner();
  process.env.BERTH_EXEC_TEST = 'late';
  t.after(() => delete process.env.BERTH_EXEC_TEST);
  const r = await runner.run('sh', ['-c', 'echo "$BERTH_EXEC_TEST"']);
  assert.equal(r.stdout, 'late\n');
});

test('with check false a missing command resolves with exit 127, as a shell reports it', async () => {
  const r = await new ProcessRunner().run('berth-no-such-command', ['-v'], { check: false });
  assert.equal(r.exitCode, 127);
  assert.equal(r.stderr, 'berth-no-such-command: command not found');
  assert.equal(r.stdout, '');
});

test('maxOutputChars keeps the end of the output; onOutput still sees all of it', async () => {
  let streamed = 0;
  const r = await new ProcessRunner().run(
    'sh',
    ['-c', 'head -c 300000 /dev/zero | tr "\\0" a; echo END; echo oops >&2; exit 1'],
    { check: false, maxOutputChars: 10, onOutput: (chunk) => (streamed += chunk.length) },
  );
  assert.equal(r.stdout, 'aaaaaaEND\n');
  assert.equal(r.stderr, 'oops\n');
  assert.equal(streamed, 300000 + 'END\n'.length + 'oops\n'.length);
});

test('fake answers may depend on the call, wait, and fall back to a default', async () => {
  const fake = new FakeRunner(async (call) => {
    await new Promise((r) => setTimeout(r, 1));
    return call.command === 'go' ? { stdout: `built in ${call.options.cwd}` } : undefined;
  }).on('go version', { stdout: 'go1.26' });
  assert.equal((await fake.run('go', ['version'])).stdout, 'go1.26');
  assert.equal((await fake.run('go', ['build'], { cwd: '/m' })).stdout, 'built in /m');
  assert.deepEqual(await fake.run('uname', []), {
    command: 'uname',
    args: [],
    exitCode: 0,
    stdout: '',
    stderr: '',
    durationMs: 0,
  });
});

test('the fake keeps the runner contract: check, onOutput and maxOutputChars', async () => {
  const fake = new FakeRunner({
    exitCode: 127,
    stdout: 'partial',
    stderr: 'gcc: command not found',
  });
  await assert.rejects(fake.run('gcc', ['--version']), /gcc --version exited 127: gcc: command/);
  const chunks: string[] = [];
  const r = await fake.run('gcc', [], {
    check: false,
    maxOutputChars: 5,
    onOutput: (chunk, stream) => chunks.push(`${stream}:${chunk}`),
  });
  assert.deepEqual([r.exitCode, r.stdout, r.stderr], [127, 'rtial', 'found']);
  assert.deepEqual(chunks, ['stdout:partial', 'stderr:gcc: command not found']);
});
