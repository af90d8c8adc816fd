/**
 * A stand-in for the Berth API at the `fetch` seam: each route answers with JSON, a problem, or
 * a live SSE stream the test writes to. Requests are recorded so a test can check what the
 * console sent (method, path, headers, body). The real @berth/client runs on top of it.
 */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Answer = Response | Promise<Response>;
export type Handler = (request: SeenRequest) => Answer | undefined;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function problem(status: number, code: string, detail: string, field?: string): Response {
  return new Response(
    JSON.stringify({
      type: `https://berth.dev/errors/${code}`,
      title: code,
      status,
      code,
      detail,
      field,
    }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );
}

/** An open SSE response: `send` writes a message, `end` closes it. */
export class SseStream {
  readonly response: Response;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  readonly #encoder = new TextEncoder();

  constructor() {
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#controller = c;
        c.enqueue(this.#encoder.encode('retry: 50\n: connected\n\n'));
      },
    });
    this.response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }

  send(id: number, data: unknown): void {
    this.#controller.enqueue(this.#encoder.encode(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`));
  }

  end(): void {
    try {
      this.#controller.close();
    } catch {
      // already closed
    }
  }
}

export class FakeApi {
  readonly seen: SeenRequest[] = [];
  readonly #handlers: Handler[] = [];

  /** Adds a handler; later handlers are asked first. */
  on(method: string, path: string | RegExp, answer: (r: SeenRequest) => Answer): this {
    this.#handlers.unshift((r) => {
      if (r.method !== method) return undefined;
      const match = typeof path === 'string' ? r.path === path : path.test(r.path);
      return match ? answer(r) : undefined;
    });
    return this;
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const request: SeenRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      headers,
      body,
    };
    this.seen.push(request);
    for (const handler of this.#handlers) {
      const answer = handler(request);
      if (answer) return answer;
    }
    return problem(404, 'BERTH_ERR_NOT_FOUND', `no fake route ${request.method} ${request.path}`);
  };
}

export const CATALOG = {
  versions: [
    {
      version: '1.35',
      patch: '1.35.4',
      default: false,
      endOfSupport: '2027-02-28',
      upgradesTo: [],
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
  addons: [
    {
      name: 'monitoring',
      description: 'Prometheus',
      versions: ['0.85.0-berth.2'],
      defaultVersion: '0.85.0-berth.2',
    },
  ],
};

/** A fake API with the catalogs and a token of `role` in project default. */
export function fakeApi(role: 'viewer' | 'member' | 'admin' = 'member'): FakeApi {
  const api = new FakeApi();
  api.on('GET', '/v1/whoami', () =>
    json({ id: 'tok-1', kind: 'token', name: `${role}-token`, project: 'default', role }),
  );
  for (const [kind, items] of Object.entries(CATALOG))
    api.on('GET', `/v1/${kind}`, () => json({ items }));
  return api;
}

export function cluster(
  name: string,
  phase = 'Running',
  extra: { ready?: number; total?: number } = {},
) {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'Cluster',
    metadata: {
      name,
      project: 'default',
      uid: `uid-${name}`,
      generation: 1,
      resourceVersion: '1',
      labels: {},
      createdAt: new Date(Date.now() - 150_000).toISOString(),
    },
    spec: {
      version: '1.34',
      controlPlane: { count: 1, flavor: 'std-2-4' },
      zones: ['az1'],
      network: {
        subnetCidr: '10.0.0.0/24',
        podsCidr: '10.100.0.0/16',
        servicesCidr: '10.254.0.0/16',
      },
      apiAccess: { public: true, allowedCidrs: [] },
      nodeGroups: [],
      autoscaler: {
        scaleDownUnneededSeconds: 600,
        scaleDownUtilizationThreshold: 0.5,
        scaleDownDelayAfterAddSeconds: 600,
      },
      addons: [],
      stopped: false,
    },
    status: {
      phase,
      conditions: [],
      observedGeneration: 1,
      version: '1.34.10',
      apiEndpoint: 'https://198.51.100.5:6443',
      nodes: { ready: extra.ready ?? 3, total: extra.total ?? 3 },
    },
  };
}
