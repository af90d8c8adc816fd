/**
 * Fetching the protocol with a fake `go`: the module directory the fake "downloads" holds a
 * csi.proto, and the pin is that file's hash (the real pin is checked by csi-proto.int.test.ts).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { defaultComponentsDir } from '@berth/components';
import { isBerthError } from '@berth/errors';
import { FakeRunner } from '@berth/exec';
import {
  CSI_SPEC_MODULE,
  CSI_SPEC_VERSION,
  csiProtoCachePath,
  ensureCsiProto,
  sha256Hex,
  type CsiProtoPin,
} from './csi-proto.js';

const PROTO = 'syntax = "proto3";\npackage csi.v1;\n';
const pin: CsiProtoPin = { version: 'v9.9.9', sha256: sha256Hex(Buffer.from(PROTO)) };
const download = `go mod download -json ${CSI_SPEC_MODULE}@${pin.version}`;

function rejectsWithCode(code: string, message: RegExp, retryable?: boolean) {
  return (err: unknown) => {
    assert.ok(isBerthError(err), `a BerthError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    if (retryable !== undefined) assert.equal(err.retryable, retryable);
    return true;
  };
}

describe('ensureCsiProto', () => {
  let dir: string;
  let cacheDir: string;
  let moduleDir: string;
  /** A `go` whose download succeeds and prints the module's directory. */
  const goThatDownloads = () =>
    new FakeRunner().on(download, () => ({ stdout: JSON.stringify({ Dir: moduleDir }) }));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csi-proto-'));
    cacheDir = path.join(dir, 'cache');
    moduleDir = path.join(dir, 'gomodcache', `spec@${pin.version}`);
    fs.mkdirSync(moduleDir, { recursive: true });
    fs.writeFileSync(path.join(moduleDir, 'csi.proto'), PROTO);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('downloads the module, verifies its csi.proto and caches it', async () => {
    const runner = goThatDownloads();
    const file = await ensureCsiProto(cacheDir, { runner, pin });
    assert.equal(file, path.join(cacheDir, 'components', 'csi-spec', pin.version, 'csi.proto'));
    assert.equal(fs.readFileSync(file, 'utf8'), PROTO);
    assert.deepEqual(runner.lines(), [download]);
    const options = runner.calls[0]!.options;
    assert.equal(options.cwd, path.dirname(file));
    assert.equal(options.env?.GOTOOLCHAIN, 'local', 'never downloads another Go');
    assert.equal(options.check, false, 'ensureCsiProto judges the exit code');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['csi.proto'], 'no temporary file left');
  });

  it('uses a cached file that verifies without running go', async () => {
    const first = await ensureCsiProto(cacheDir, { runner: goThatDownloads(), pin });
    const runner = new FakeRunner({ exitCode: 127, stderr: 'go: command not found' });
    assert.equal(await ensureCsiProto(cacheDir, { runner, pin }), first);
    assert.deepEqual(runner.calls, []);
  });

  it('replaces a cached file that no longer verifies', async () => {
    const cached = csiProtoCachePath(cacheDir, pin.version);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, `${PROTO}// altered\n`);
    const runner = goThatDownloads();
    assert.equal(await ensureCsiProto(cacheDir, { runner, pin }), cached);
    assert.equal(fs.readFileSync(cached, 'utf8'), PROTO);
    assert.equal(runner.calls.length, 1);
  });

  it('refuses a module whose csi.proto is not the pinned one, and caches nothing', async () => {
    fs.writeFileSync(path.join(moduleDir, 'csi.proto'), `${PROTO}message Other {}\n`);
    await assert.rejects(
      ensureCsiProto(cacheDir, { runner: goThatDownloads(), pin }),
      rejectsWithCode('BERTH_ERR_COMPONENT_CORRUPT', /has sha256 \w+, not the pinned/, false),
    );
    assert.equal(fs.existsSync(csiProtoCachePath(cacheDir, pin.version)), false);
  });

  it('refuses a module without csi.proto', async () => {
    fs.rmSync(path.join(moduleDir, 'csi.proto'));
    await assert.rejects(
      ensureCsiProto(cacheDir, { runner: goThatDownloads(), pin }),
      rejectsWithCode('BERTH_ERR_COMPONENT_CORRUPT', /has no csi\.proto/),
    );
  });

  it('says what to install when Go is missing', async () => {
    const runner = new FakeRunner({ exitCode: 127, stderr: 'go: command not found' });
    await assert.rejects(
      ensureCsiProto(cacheDir, { runner, pin }),
      rejectsWithCode(
        'BERTH_ERR_COMPONENT_MISSING',
        /Go is not installed.*Fix: install Go/s,
        false,
      ),
    );
  });

  it('fails, retryably, when go prints no module directory', async () => {
    const runner = new FakeRunner().on(download, { stdout: '{"Path":"x"}' });
    await assert.rejects(
      ensureCsiProto(cacheDir, { runner, pin }),
      rejectsWithCode('BERTH_ERR_COMPONENT_MISSING', /printed no module directory/, true),
    );
  });

  it("passes on go's own error when the download fails", async () => {
    const runner = new FakeRunner().on(download, {
      exitCode: 1,
      stdout: JSON.stringify({
        Path: CSI_SPEC_MODULE,
        Error: 'dial tcp: proxy.golang.org: i/o timeout',
      }),
    });
    await assert.rejects(
      ensureCsiProto(cacheDir, { runner, pin }),
      rejectsWithCode('BERTH_ERR_COMPONENT_MISSING', /exit 1\): dial tcp.*GOPROXY/s, true),
    );
  });

  it('caches by default under the pinned release', () => {
    assert.equal(
      csiProtoCachePath('/c'),
      path.join('/c', 'components', 'csi-spec', CSI_SPEC_VERSION, 'csi.proto'),
    );
  });
});

it('csi-sanity is built against the spec release the driver pins', () => {
  const goMod = fs.readFileSync(path.join(defaultComponentsDir(), 'csi-sanity', 'go.mod'), 'utf8');
  const required = new RegExp(`^\\s*${CSI_SPEC_MODULE.replace(/\./g, '\\.')} (\\S+)`, 'm').exec(
    goMod,
  )?.[1];
  assert.equal(required, CSI_SPEC_VERSION, `components/csi-sanity/go.mod requires ${required}`);
});
