import type { FetchLike } from './fetch-like';

/**
 * The browser build's default fetch: the page's own `fetch`, sending and storing the page's
 * cookies (`credentials: 'include'`). The browser's cookie store is shared by every
 * completion of the page, so there is no cookie jar per subscription as in Node.
 *
 * The package's `browser` export condition swaps this file in for `default-fetch.ts`, so that
 * cross-fetch (node-fetch), fetch-cookie and `node:http`/`node:https` stay out of browser bundles.
 */
export const createDefaultFetch = (): FetchLike => {
  const pageFetch = globalThis.fetch.bind(globalThis);
  return (input, init) => pageFetch(input, { credentials: 'include', ...init });
};
