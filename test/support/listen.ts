// Starts a test server on a free loopback port and returns the port.
import type { Server } from 'node:net';

export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') reject(new Error('test server has no port'));
      else resolve(address.port);
    });
  });
}
