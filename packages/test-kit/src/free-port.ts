import { createServer, type AddressInfo } from 'node:net';

/** Ports this process has handed out: a test picks several before it binds any of them. */
const handedOut = new Set<number>();

/**
 * A port the kernel just handed out on 127.0.0.1 and released, never one this process handed out
 * before: the kernel may return a just-released port again, so two calls in a row (etcd's peer
 * port, then controller-manager's) could otherwise get the same one. Racy only against binds by
 * other processes.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await kernelPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no fresh port in 50 tries');
}

async function kernelPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
