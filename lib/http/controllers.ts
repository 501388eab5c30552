import type { FetchLike } from './fetch-like';

/** What aborts one request: an `AbortController`, or a lighter one its fetch takes. */
export interface Aborter {
  readonly signal: AbortSignal;
  abort(): void;
}

// Fetches that take a cheaper signal than Node's: an AbortController builds an EventTarget
// per signal, and adding and removing its listener goes through Node's event machinery, which
// costs about as much CPU as the rest of a small request of ours.
const makers = new WeakMap<FetchLike, () => Aborter>();

/** Marks `fetch` as one whose requests are aborted through what `make` gives. */
export const abortsWith = <F extends FetchLike>(fetch: F, make: () => Aborter): F => {
  makers.set(fetch, make);
  return fetch;
};

/** A controller for one request of `transport`: its fetch's own kind, else an AbortController. */
export const controllerFor = ({ fetch }: { readonly fetch: FetchLike }): Aborter =>
  makers.get(fetch)?.() ?? new AbortController();
