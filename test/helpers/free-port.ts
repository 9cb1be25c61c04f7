import { createServer } from 'node:net';

/**
 * A loopback port free right now, for a server that cannot report the port it bound (it takes
 * its address as a flag). Another process may take it before the server binds; that rare race
 * shows up as the server failing to start, not as a wrong result.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
