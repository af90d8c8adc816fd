#!/usr/bin/env node
/**
 * An HTTP backend for load balancer end-to-end tests and benchmarks, run as a service in a
 * server's namespace:
 *   http-backend.js <name> <port>
 * Every request is answered with JSON naming this backend, the request line and headers it saw,
 * the connection's peer, and the PROXY protocol header the connection began with (v1 or v2;
 * null when there was none), so a test can see what a load balancer passed on.
 */
import http from 'node:http';
import net from 'node:net';
import { parseProxyHeader, type ProxyHeader } from './proxy-protocol.js';

export interface BackendAnswer {
  backend: string;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The TCP peer: the load balancer's amphora, not the client. */
  peer: string;
  proxy: ProxyHeader | null;
}

const proxyOf = new WeakMap<net.Socket, ProxyHeader>();

function serve(name: string, port: number): void {
  const httpServer = http.createServer((req, res) => {
    const answer: BackendAnswer = {
      backend: name,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      peer: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      proxy: proxyOf.get(req.socket) ?? null,
    };
    const body = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  httpServer.keepAliveTimeout = 5000;
  net.createServer((socket) => acceptProxyHeader(socket, httpServer)).listen(port, '0.0.0.0');
}

/**
 * Reads until the first bytes show whether a PROXY header leads the connection, consumes it,
 * puts the rest back and hands the socket to the HTTP server.
 */
function acceptProxyHeader(socket: net.Socket, httpServer: http.Server): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    let parsed;
    try {
      parsed = parseProxyHeader(buffered);
    } catch {
      socket.destroy();
      return;
    }
    if (parsed.kind === 'incomplete') return;
    socket.off('data', onData);
    socket.pause();
    let rest = buffered;
    if (parsed.kind === 'header') {
      proxyOf.set(socket, parsed.header);
      rest = buffered.subarray(parsed.length);
    }
    if (rest.length > 0) socket.unshift(rest);
    httpServer.emit('connection', socket);
    socket.resume();
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

const [name, port] = process.argv.slice(2);
if (name === undefined || port === undefined) {
  process.stderr.write('usage: http-backend.js <name> <port>\n');
  process.exit(2);
}
serve(name, Number(port));
