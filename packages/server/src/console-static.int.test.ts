/** The web console's static files at `/`, next to the unchanged API routes (console-static.ts). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeBackends } from '@berth/store/testing';
import { testApp, type TestApp } from './testing/app.js';

const [backend] = storeBackends();

describe('console static files', () => {
  let t: TestApp;
  let url: string;
  const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-console-'));

  before(async () => {
    await backend!.setUp();
    fs.mkdirSync(path.join(consoleDir, 'assets'));
    fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(consoleDir, 'assets', 'app-abc123.js'), 'console.log(1);');
    t = await testApp(await backend!.open(), { consoleDir });
    url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    try {
      await t?.app.close();
      await t?.store.close();
    } finally {
      fs.rmSync(consoleDir, { recursive: true, force: true });
      await backend!.tearDown();
    }
  });

  test('the console is served at / with deep links, next to unchanged API routes', async () => {
    const page = await fetch(`${url}/projects/default/clusters/x/nodes`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /<title>console<\/title>/);
    const asset = await fetch(`${url}/assets/app-abc123.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await asset.text(), 'console.log(1);');
    assert.equal((await fetch(`${url}/assets/missing-123.js`)).status, 404);
    assert.equal((await fetch(`${url}/%2e%2e/%2e%2e/etc/passwd.txt`)).status, 404);
    const unknownApi = await fetch(`${url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${t.adminSecret}` },
    });
    assert.equal(unknownApi.status, 404);
    assert.match(unknownApi.headers.get('content-type') ?? '', /problem\+json/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.match(await (await fetch(`${url}/metrics`)).text(), /berth_http_request_duration/);
    const spec = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: object;
    };
    assert.ok(!Object.keys(spec.paths).some((p) => p === '/' || p === '/*'));
  });

  test('without a built console, / says how to build it', async () => {
    fs.renameSync(path.join(consoleDir, 'index.html'), path.join(consoleDir, 'index.bak'));
    try {
      const res = await fetch(`${url}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /console is not built[\s\S]*scripts\/bootstrap/);
    } finally {
      fs.renameSync(path.join(consoleDir, 'index.bak'), path.join(consoleDir, 'index.html'));
    }
  });
});
