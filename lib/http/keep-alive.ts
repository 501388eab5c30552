import type { Agent } from 'node:http';
import type { Duplex } from 'node:stream';

// What of an Agent is used here: the documented `keepSocketAlive` hook, the read-only
// `freeSockets` pools, and `addRequest`, which every request through the agent goes by.
type PoolAgent = Agent & {
  addRequest(request: unknown, options: Record<string, unknown>): void;
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
  // No pooled socket went idle before this: until it is idleMs old, no request need look
  // through the pool (building its name and walking its sockets costs more than the rest of
  // the agent's work for a request).
  let earliest = Infinity;
  const keep = pool.keepSocketAlive.bind(pool);
  pool.keepSocketAlive = (socket) => {
    const now = performance.now();
    idleSince.set(socket, now);
    if (now < earliest) earliest = now;
    return keep(socket);
  };
  const sweep = (stale: number) => {
    earliest = Infinity;
    for (const free of Object.values(pool.freeSockets)) {
      for (const socket of free ?? []) {
        const since = idleSince.get(socket as Duplex) ?? Infinity;
        if (since <= stale) socket.destroy();
        else if (since < earliest) earliest = since;
      }
    }
  };
  const add = pool.addRequest.bind(pool);
  pool.addRequest = (request, options) => {
    const stale = performance.now() - idleMs;
    if (earliest <= stale) sweep(stale);
    add(request, options);
  };
  return agent;
};
