/**
 * A small HTTP server on 127.0.0.1 for the client's tests: each test supplies the handler, and
 * the server records every request it saw (method, URL, headers, body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  seen: SeenRequest[],
) => void | Promise<void>;

export interface TestServer {
  endpoint: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startTestServer(handler: Handler): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(req, res, body, seen)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, type?: string): void {
  res.writeHead(status, { 'content-type': type ?? 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendProblem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  field?: string,
): void {
  const body = {
    type: `https://berth.dev/errors/${code}`,
    title: code,
    status,
    code,
    detail,
    field,
  };
  sendJson(res, status, body, 'application/problem+json');
}
