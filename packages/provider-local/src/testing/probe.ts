#!/usr/bin/env node
/**
 * A tiny TCP probe for end-to-end tests, run inside namespaces:
 *   probe.js listen <name> <port>[,<port>…]   answers each connection with "<name> <peer address>"
 *   probe.js connect <host> <port> [timeoutMs] prints the answer; exit 3 on timeout, 4 on error
 */
import net from 'node:net';

function listen(name: string, ports: number[]): void {
  for (const port of ports) {
    net
      .createServer((socket) => {
        const peer = (socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
        socket.end(`${name} ${peer}\n`);
      })
      .listen(port, '0.0.0.0');
  }
}

function connect(host: string, port: number, timeoutMs: number): void {
  const socket = net.connect({ host, port });
  let answer = '';
  const timer = setTimeout(() => {
    process.stdout.write('TIMEOUT\n');
    process.exit(3);
  }, timeoutMs);
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('end', () => {
    clearTimeout(timer);
    process.stdout.write(answer);
    process.exit(0);
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    process.stdout.write(`ERROR ${err.code ?? err.message}\n`);
    process.exit(4);
  });
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'listen' && a !== undefined && b !== undefined) {
  listen(a, b.split(',').map(Number));
} else if (mode === 'connect' && a !== undefined && b !== undefined) {
  connect(a, Number(b), Number(c ?? 2000));
} else {
  process.stderr.write(
    'usage: probe.js listen <name> <ports> | connect <host> <port> [timeoutMs]\n',
  );
  process.exit(2);
}
