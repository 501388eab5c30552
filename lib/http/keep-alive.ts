import type { Agent } from 'node:http';
import type { Duplex } from 'node:stream';

// What of an Agent is used here: the documented `keepSocketAlive` hook, the read-only
// `freeSockets` pool, and `addRequest`, which every request through the agent goes by.
type PoolAgent = Agent & {
  addRequest(request: unknown, options: Record<string, unknown>): void;
  getName(options: Record<string, unknown>): string;
};

/**
 * Makes `agent` (a keep-alive `http.Agent` or `https.Agent`) refuse, at the moment a request
 * takes one, every pooled socket that has been idle `idleMs` or more by the wall clock.
 *
 * The agent's own idle timeout is a timer: on a busy event loop it fires late, and the pool
 * then hands out a socket the server closed meanwhile (its keep-alive timeout passed), so
 * the request fails with ECONNRESET or `socket hang up`. The wall clock does not lag: a stale
 * socket is destroyed before the request is queued, and the request opens a fresh one.
 */
export const evictIdleSockets = <A extends Agent>(agent: A, idleMs: number): A => {
  const pool = agent as unknown as PoolAgent;
  const idleSince = new WeakMap<Duplex, number>();
  const keep = pool.keepSocketAlive.bind(pool);
  pool.keepSocketAlive = (socket) => {
    idleSince.set(socket, performance.now());
    return keep(socket);
  };
  const add = pool.addRequest.bind(pool);
  pool.addRequest = (request, options) => {
    const free = pool.freeSockets[pool.getName(options)];
    if (free) {
      const stale = performance.now() - idleMs;
      for (const socket of free) {
        if ((idleSince.get(socket as Duplex) ?? Infinity) <= stale) socket?.destroy();
      }
    }
    add(request, options);
  };
  return agent;
};
