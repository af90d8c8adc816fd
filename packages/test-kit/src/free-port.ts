import { createServer, type AddressInfo } from 'node:net';

/** A port the kernel just handed out on 127.0.0.1 and released; racy only against other binds. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
