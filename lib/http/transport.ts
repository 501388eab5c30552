import { createDefaultFetch } from './default-fetch';
import type { FetchLike } from './fetch-like';

export type { FetchLike } from './fetch-like';

/** What every request of a completion shares. */
export interface Transport {
  readonly fetch: FetchLike;
  readonly baseUrl: string;
  readonly headers: Record<string, string>;
}

/** A request body as it goes on the wire. */
export interface WireBody {
  readonly body: string;
  readonly contentType: string;
}

/**
 * The transport of checked options, built once per subscription: the fetch given (a
 * session's carries its cookie), else a fresh default one with its own cookie jar.
 */
export const resolveTransport = (
  baseUrl: string,
  headers: Record<string, string>,
  fetch: FetchLike | undefined,
): Transport => ({ fetch: fetch ?? createDefaultFetch(), baseUrl, headers });
