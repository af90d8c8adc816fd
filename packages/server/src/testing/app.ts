/** Helpers for the server's tests: a fixed catalog and an app with an admin token. */
/* eslint-disable @typescript-eslint/no-explicit-any -- test replies are inspected structurally */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { CatalogSnapshot } from '@berth/api-types';
import type { Store } from '@berth/store';
import { volumeType } from '@berth/provider-api';
import { buildApp } from '../app.js';
import { BUILTIN_ADDONS, staticCatalog } from '../catalog.js';
import type { AppDeps } from '../deps.js';
import type { App } from '../http.js';
import { createLogger } from '../logger.js';

export const TEST_CATALOG: CatalogSnapshot = {
  versions: [
    {
      version: '1.36',
      patch: '1.36.3',
      default: false,
      endOfSupport: '2027-06-28',
      upgradesTo: [],
    },
    {
      version: '1.35',
      patch: '1.35.4',
      default: false,
      endOfSupport: '2027-02-28',
      upgradesTo: ['1.36.3'],
    },
    {
      version: '1.34',
      patch: '1.34.10',
      default: true,
      endOfSupport: '2026-10-27',
      upgradesTo: ['1.35.4'],
    },
  ],
  flavors: [
    { name: 'std-2-4', vcpus: 2, ramMiB: 4096, diskGb: 20 },
    { name: 'std-4-8', vcpus: 4, ramMiB: 8192, diskGb: 40 },
  ],
  zones: [
    { name: 'az1', available: true },
    { name: 'az2', available: true },
  ],
  volumeTypes: [
    volumeType('ssd', 'Network SSD', 4096, 1000, 128),
    volumeType('hdd', 'Network HDD', 8192, 200, 64),
  ],
  addons: BUILTIN_ADDONS,
};

/** Collects every log line written, to assert what logs do (not) contain. */
export function logCapture(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export interface TestApp {
  app: App;
  store: Store;
  /** Secret of a platform-wide admin token. */
  adminSecret: string;
  logs: () => string;
}

export async function testApp(store: Store, extra: Partial<AppDeps> = {}): Promise<TestApp> {
  const capture = logCapture();
  const app = await buildApp({
    store,
    catalog: staticCatalog(TEST_CATALOG),
    logger: createLogger({ level: 'debug', destination: capture.stream }),
    metrics: new Registry(),
    options: { ssePollMs: 50, sseHeartbeatMs: 200 },
    ...extra,
  });
  const { secret } = await store.tokens.create({
    name: 'test-admin',
    project: null,
    role: 'admin',
  });
  return { app, store, adminSecret: secret, logs: capture.text };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/** A tiny JSON client over `app.inject` with one bearer token. */
export function client(app: App, secret: string | undefined) {
  const send = async (
    method: string,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const all: Record<string, string> = { ...headers };
    if (secret !== undefined) all.authorization = `Bearer ${secret}`;
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: all,
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    let body: unknown = undefined;
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      body = response.body;
    }
    return { status: response.statusCode, body, headers: response.headers, text: response.body };
  };
  return {
    get: (url: string, headers?: Record<string, string>) => send('GET', url, undefined, headers),
    post: (url: string, payload?: unknown, headers?: Record<string, string>) =>
      send('POST', url, payload, headers),
    patch: (
      url: string,
      payload: unknown,
      headers: Record<string, string> = { 'content-type': 'application/merge-patch+json' },
    ) =>
      send('PATCH', url, typeof payload === 'string' ? payload : JSON.stringify(payload), headers),
    delete: (url: string) => send('DELETE', url),
    send,
  };
}

export type Client = ReturnType<typeof client>;

/** Asserts a problem response: status, code and (optionally) field. */
export function problemOf(reply: Reply): { status: number; code: string; field?: string } {
  const body = reply.body as { code?: string; field?: string } | undefined;
  const out: { status: number; code: string; field?: string } = {
    status: reply.status,
    code: body?.code ?? '',
  };
  if (body?.field !== undefined) out.field = body.field;
  return out;
}

/** Plays the controller: sets a cluster's phase directly in the store. */
export async function setPhase(
  store: Store,
  project: string,
  name: string,
  phase: 'Running' | 'Stopped' | 'Provisioning',
): Promise<void> {
  await store.clusters.updateStatus({ project, name }, (s) => ({ ...s, phase }));
}
