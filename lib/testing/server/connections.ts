import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The sockets a server has open. */
export interface Connections {
  /** How many are open now. */
  count(): number;
  /** Destroy them all; resolves once each has closed. */
  destroyAll(): Promise<void>;
}

/** Starts counting the sockets `server` accepts, until each closes. */
export const trackConnections = (server: Server): Connections => {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    count: () => sockets.size,
    destroyAll: () =>
      Promise.all(
        [...sockets].map(
          (socket) =>
            new Promise<void>((resolve) => {
              // Still in the set means its 'close' has not fired, even if already destroyed.
              socket.once('close', () => resolve());
              socket.destroy();
            }),
        ),
      ).then(() => undefined),
  };
};
