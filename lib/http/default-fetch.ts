import crossFetch from 'cross-fetch';
import makeFetchCookie from 'fetch-cookie';
import * as http from 'node:http';
import * as https from 'node:https';
import type { FetchLike } from './fetch-like';

// node-fetch v2 sends `Connection: close` unless it is given an agent: one keep-alive pool per
// protocol, shared by every completion, saves a TCP handshake per request. Idle sockets are
// dropped after 4 s, before a server's usual 5 s keep-alive timeout (Node's, SvelteKit's):
// reusing a socket the server is closing fails the request with ECONNRESET.
const idleMs = 4000;
const httpAgent = new http.Agent({ keepAlive: true, timeout: idleMs });
const httpsAgent = new https.Agent({ keepAlive: true, timeout: idleMs });
const agent = (url: URL): http.Agent => (url.protocol === 'http:' ? httpAgent : httpsAgent);

const isBrowser = (): boolean =>
  typeof (globalThis as { document?: unknown }).document !== 'undefined' &&
  typeof globalThis.fetch === 'function';

/**
 * A fetch with its own, empty cookie jar (Node), or the page's fetch sending the page's
 * cookies (browser), where the cookie store is the browser's own.
 */
export const createDefaultFetch = (): FetchLike => {
  if (isBrowser()) {
    const pageFetch = globalThis.fetch.bind(globalThis);
    return (input, init) => pageFetch(input, { credentials: 'include', ...init });
  }
  const withCookies = makeFetchCookie(crossFetch as unknown as typeof fetch);
  return (input, init) =>
    withCookies(input, { agent, ...init } as RequestInit) as unknown as Promise<Response>;
};
