/**
 * The web console's static files at `/` (packages/console, built by Vite into
 * `packages/console/dist/web`). Hashed files under `/assets/` are cached for a year; every other
 * path that names no file gets `index.html` (no-cache), so the console's deep links work on
 * reload. `/v1`, `/openapi.json`, `/metrics`, `/healthz` and `/readyz` keep their own routes;
 * an unknown `/v1/…` path is still a problem+json 404. When the console was not built, `/`
 * answers 503 with the command that builds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './http.js';
import { handleNotFound } from './problems.js';

/** Where the built console is: BERTH_CONSOLE_DIR, or the repository's packages/console/dist/web. */
export function defaultConsoleDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.BERTH_CONSOLE_DIR ?? fileURLToPath(new URL('../../console/dist/web/', import.meta.url))
  );
}

/** True when `dir` holds a built console (its index.html). */
export function consoleBuilt(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);
const YEAR = 'public, max-age=31536000, immutable';

/**
 * The console's pages fetch only from this origin; nothing may frame them. Style attributes
 * are not used (React sets styles through the CSSOM, which CSP allows).
 */
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

interface CachedFile {
  mtimeMs: number;
  raw: Buffer;
  gzip?: Buffer;
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Berth console not built</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>The Berth console is not built</h1>
<p>This berth server found no console at its expected place. Build it with
<code>scripts/bootstrap</code> (or <code>npm run build:web -w @berth/console</code>) and reload.
The API is unaffected: <a href="/openapi.json">/openapi.json</a>.</p></body></html>`;

export function consoleRoutes(app: App, dir: string): void {
  const root = path.resolve(dir);
  const cache = new Map<string, CachedFile>();

  const read = (file: string): CachedFile | undefined => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs) return hit;
    const raw = fs.readFileSync(file);
    const entry: CachedFile = { mtimeMs: stat.mtimeMs, raw };
    if (COMPRESSIBLE.has(path.extname(file)) && raw.length > 1024) entry.gzip = gzipSync(raw);
    cache.set(file, entry);
    return entry;
  };

  const send = (
    request: FastifyRequest,
    reply: FastifyReply,
    file: string,
    cacheControl: string,
  ) => {
    const entry = read(file);
    if (!entry) return undefined;
    const ext = path.extname(file);
    reply
      .header('content-type', TYPES[ext] ?? 'application/octet-stream')
      .header('cache-control', cacheControl)
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding');
    if (ext === '.html')
      reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (entry.gzip && acceptsGzip) return reply.header('content-encoding', 'gzip').send(entry.gzip);
    return reply.send(entry.raw);
  };

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (urlPath === '/v1' || urlPath.startsWith('/v1/')) return handleNotFound(request, reply);
    if (!consoleBuilt(root)) {
      return reply
        .code(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT_PAGE);
    }
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath);
    } catch {
      relative = '';
    }
    const file = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
    if (file.startsWith(root + path.sep) && relative !== '/') {
      const cacheControl = relative.startsWith('/assets/') ? YEAR : 'no-cache';
      const sent = send(request, reply, file, cacheControl);
      if (sent) return sent;
      // A missing asset is a 404; any other path is a page of the console (a deep link).
      if (path.extname(relative) !== '') return handleNotFound(request, reply);
    }
    return send(request, reply, path.join(root, 'index.html'), 'no-cache');
  };

  const hidden = { schema: { hide: true } };
  app.get('/', hidden, serve);
  app.get('/*', hidden, serve);
}
