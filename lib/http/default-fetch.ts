import crossFetch from 'cross-fetch';
import makeFetchCookie from 'fetch-cookie';
import * as http from 'node:http';
import * as https from 'node:https';
import type { FetchLike } from './fetch-like';
import { cachingCookieJar } from './cookie-jar';
import { abortsWith } from './controllers';
import { nodeFetchController, takesLightSignal } from './node-fetch-signal';
import { evictIdleSockets } from './keep-alive';

// node-fetch v2 sends `Connection: close` unless it is given an agent: one keep-alive pool per
// protocol, shared by every completion, saves a TCP handshake per request. Idle sockets are
// dropped after 4 s, before a server's usual 5 s keep-alive timeout (Node's, SvelteKit's):
// reusing a socket the server is closing fails the request with ECONNRESET. The agents'
// timers lag on a busy event loop: the wall clock decides when a request takes a socket.
const idleMs = 4000;
const httpAgent = evictIdleSockets(new http.Agent({ keepAlive: true, timeout: idleMs }), idleMs);
const httpsAgent = evictIdleSockets(new https.Agent({ keepAlive: true, timeout: idleMs }), idleMs);
const agent = (url: URL): http.Agent => (url.protocol === 'http:' ? httpAgent : httpsAgent);

const isBrowser = (): boolean =>
  typeof (globalThis as { document?: unknown }).document !== 'undefined' &&
  typeof globalThis.fetch === 'function';

const newJar = () => cachingCookieJar(new makeFetchCookie.toughCookie.CookieJar());

// cross-fetch in Node is node-fetch v2, which takes a lighter signal than Node's. Asked of its
// own Request once: should a later version check otherwise, requests get AbortControllers.
let light: boolean | undefined;
const lightSignal = (): boolean =>
  (light ??= takesLightSignal(
    (crossFetch as unknown as { Request?: Parameters<typeof takesLightSignal>[0] }).Request,
  ));

/**
 * Wraps `fetch` (default: cross-fetch over keep-alive agents) with fetch-cookie and a fresh,
 * empty tough-cookie jar, so that it keeps the session cookie as a completion needs: for
 * Node's own `fetch` or an instrumented one.
 *
 * @example
 * completion$('falcon-40b', messages, { baseUrl, fetch: withCookieJar(fetch) });
 */
export const withCookieJar = (fetch?: FetchLike): FetchLike => {
  if (fetch !== undefined) {
    const withCookies = makeFetchCookie(fetch as unknown as typeof globalThis.fetch, newJar());
    return (input, init) => withCookies(input, init) as unknown as Promise<Response>;
  }
  const withCookies = makeFetchCookie(crossFetch as unknown as typeof globalThis.fetch, newJar());
  const withAgent: FetchLike = (input, init) =>
    withCookies(input, { agent, ...init } as RequestInit) as unknown as Promise<Response>;
  return lightSignal() ? abortsWith(withAgent, nodeFetchController) : withAgent;
};

/**
 * A fetch with its own, empty cookie jar (Node), or the page's fetch sending the page's
 * cookies (browser), where the cookie store is the browser's own.
 */
export const createDefaultFetch = (): FetchLike => {
  if (isBrowser()) {
    const pageFetch = globalThis.fetch.bind(globalThis);
    return (input, init) => pageFetch(input, { credentials: 'include', ...init });
  }
  return withCookieJar();
};
