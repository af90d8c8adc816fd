/**
 * The real thing: `go mod download` of the pinned spec module (from the Go module proxy, or
 * Go's module cache when it holds it) into an empty Berth cache, verified against the pinned
 * sha256, and the protocol it caches loads with the services the driver serves.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProcessRunner } from '@berth/exec';
import { skipUnless } from '@berth/test-kit';
import { CSI_PROTO_SHA256, csiProtoCachePath, ensureCsiProto, sha256Hex } from './csi-proto.js';
import { csiServices } from './proto.js';

const runner = new ProcessRunner();
const go = await runner.run('go', ['version'], { check: false });
const skip = skipUnless({ go: go.exitCode === 0 });

describe('ensureCsiProto with the real go', { skip }, () => {
  let cacheDir: string;
  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'csi-proto-int-'));
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('fetches the pinned csi.proto, and the driver loads it', async () => {
    const file = await ensureCsiProto(cacheDir, { runner });
    assert.equal(file, csiProtoCachePath(cacheDir));
    assert.equal(sha256Hex(fs.readFileSync(file)), CSI_PROTO_SHA256);
    const services = csiServices(file);
    assert.ok('NodeStageVolume' in services.Node);
    assert.ok('CreateVolume' in services.Controller);
    assert.ok('Probe' in services.Identity);
  });
});
