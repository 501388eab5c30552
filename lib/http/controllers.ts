import type { FetchLike } from './fetch-like';

// Fetches known to let go of a request's signal once the response has ended: node-fetch v2
// removes its abort listener on the response's 'end'. After an exchange of such a fetch whose
// body arrived whole, its AbortController is as good as new, and making one costs more than
// the rest of a small request of ours (Node builds an EventTarget for every signal).
const releasing = new WeakSet<FetchLike>();

// At most one spare controller per fetch (a completion's, or a session's): its requests mostly
// run one after the other, and the steps of a completion build more than one transport.
const spares = new WeakMap<FetchLike, AbortController>();

/** Marks `fetch` as one that lets go of a request's signal once its response has ended. */
export const releasesSignal = <F extends FetchLike>(fetch: F): F => {
  releasing.add(fetch);
  return fetch;
};

/** A controller for one request of `transport`: one an earlier request gave back, or new. */
export const takeController = ({ fetch }: { readonly fetch: FetchLike }): AbortController => {
  const spare = spares.get(fetch);
  if (spare === undefined) return new AbortController();
  spares.delete(fetch);
  return spare;
};

/**
 * Gives back the controller of a request whose response has ended, unaborted, for the next
 * request of its fetch: true when it was kept (only when the fetch lets go of the signal).
 * A controller given back is no longer the request's to abort.
 */
export const giveBack = (
  { fetch }: { readonly fetch: FetchLike },
  controller: AbortController,
): boolean => {
  if (!releasing.has(fetch) || controller.signal.aborted) return false;
  spares.set(fetch, controller);
  return true;
};
