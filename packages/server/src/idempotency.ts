/**
 * `Idempotency-Key` for every POST. The first request with a key runs and its response (status
 * and body, 2xx or 4xx) is stored for ≥ 24 h; a retry with the same key and the same request gets
 * that response again (header `Idempotent-Replayed: true`) and nothing runs twice. The same key
 * with a different request → 422 BERTH_ERR_IDEMPOTENCY_KEY_REUSED; while the first is still
 * running → 409 BERTH_ERR_CONFLICT (retry later). Keys are scoped to token and project. A 5xx
 * releases the key so the retry runs for real.
 *
 * Routes whose response holds a secret (token creation) set `config.idempotency = 'secret'`: the
 * secret is never stored, so a replay answers 409 saying it was shown once.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BerthError } from '@berth/errors';
import type { Store } from '@berth/store';
import { PROBLEM_CONTENT_TYPE } from './problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: { scope: string; key: string };
  }
  interface FastifyContextConfig {
    idempotency?: 'secret';
  }
}

const HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest): string {
  const path = request.url.split('?')[0];
  return createHash('sha256')
    .update(`POST ${path}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

function keyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers[HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `Idempotency-Key must be 1–${MAX_KEY_LENGTH} visible ASCII characters`,
      {
        field: 'Idempotency-Key',
      },
    );
  }
  return key;
}

async function claim(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (request.method !== 'POST' || !request.principal) return undefined;
  const key = keyOf(request);
  if (key === undefined) return undefined;
  const project = (request.params as { project?: string } | undefined)?.project ?? '-';
  const scope = `${request.principal.tokenId}|${project}`;
  const result = await store.idempotency.begin(scope, key, requestHash(request));
  switch (result.outcome) {
    case 'proceed':
      request.idempotencyClaim = { scope, key };
      return undefined;
    case 'replay':
      return reply
        .code(result.status)
        .header('idempotent-replayed', 'true')
        .type(result.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8')
        .send(result.body);
    case 'mismatch':
      throw new BerthError(
        'BERTH_ERR_IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different request',
        {
          field: 'Idempotency-Key',
        },
      );
    case 'in-progress':
      throw new BerthError(
        'BERTH_ERR_CONFLICT',
        'a request with this Idempotency-Key is still running; retry shortly',
        {
          field: 'Idempotency-Key',
        },
      );
  }
}

function secretShownOnce(request: FastifyRequest): string {
  const err = new BerthError(
    'BERTH_ERR_CONFLICT',
    'this Idempotency-Key already created a token; its secret was shown once',
  );
  return JSON.stringify(err.toProblem(request.url.split('?')[0]));
}

async function settle(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<void> {
  const claimed = request.idempotencyClaim;
  if (!claimed) return;
  request.idempotencyClaim = undefined;
  const { scope, key } = claimed;
  if (reply.statusCode >= 500 || typeof payload !== 'string') {
    await store.idempotency.abandon(scope, key);
    return;
  }
  const secret = request.routeOptions.config.idempotency === 'secret' && reply.statusCode < 300;
  await store.idempotency.complete(
    scope,
    key,
    secret ? 409 : reply.statusCode,
    secret ? secretShownOnce(request) : payload,
  );
}

/** Installs the claim (preHandler, after auth and validation) and settle (onSend) hooks. */
export function registerIdempotency(app: FastifyInstance, store: Store): void {
  app.addHook('preHandler', async (request, reply) => claim(store, request, reply));
  app.addHook('onSend', async (request, reply, payload) => {
    await settle(store, request, reply, payload);
    return payload;
  });
}
