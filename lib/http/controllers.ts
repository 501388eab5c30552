import type { FetchLike } from './fetch-like';

// Fetches whose signals may be used again once no request listens to them, each with how to
// tell that: node-fetch v2 removes its abort listener on the response's 'end'. Making an
// AbortController costs more than the rest of a small request of ours (Node builds an
// EventTarget for every signal); one that nothing listens to any more is as good as new.
// A response a fetch did not read (a redirect's body over 16 KiB) keeps its listener: then
// the signal is not used again, or aborting a later request would reach that response too.
const unheard = new WeakMap<FetchLike, (signal: AbortSignal) => boolean>();

// At most one spare controller per fetch (a completion's, or a session's): its requests mostly
// run one after the other, and the steps of a completion build more than one transport.
const spares = new WeakMap<FetchLike, AbortController>();

/**
 * Marks `fetch` as one whose requests' signals may be used again once `idle` says that
 * nothing listens to one any more.
 */
export const reusesSignals = <F extends FetchLike>(
  fetch: F,
  idle: (signal: AbortSignal) => boolean,
): F => {
  unheard.set(fetch, idle);
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
 * request of its fetch: true when it was kept (only when the fetch is marked, and nothing
 * listens to its signal any more). A controller given back is no longer the request's to
 * abort.
 */
export const giveBack = (
  { fetch }: { readonly fetch: FetchLike },
  controller: AbortController,
): boolean => {
  const idle = unheard.get(fetch);
  if (idle === undefined || controller.signal.aborted || !idle(controller.signal)) return false;
  spares.set(fetch, controller);
  return true;
};
