import { defer, Observable } from 'rxjs';
import { readJsonArray } from './http/json';
import { exchange$ } from './http/request';
import { FetchLike, resolveTransport } from './http/transport';
import { resolveBaseUrl, resolveFetch, resolveHeaders, resolveSignal } from './options';
import { unexpectedResponse } from './protocol-errors';
import { takeUntilAborted } from './signal';

/** A model a server offers. */
export interface ModelInfo {
  /** The id to pass as `model`. */
  id: string;
  /** A display name, where the server gives one. */
  name?: string;
}

/** Options of {@link listModels$}; all optional. */
export interface ListModelsOptions {
  /** The chat server (default `https://gpt-gm.h2o.ai`). */
  baseUrl?: string;
  /** The fetch to use (default: cross-fetch in Node, the page's fetch in a browser). */
  fetch?: FetchLike;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Aborting it ends the listing as `takeUntil` would (the request aborted). */
  signal?: AbortSignal;
}

const toModel = (entry: unknown): ModelInfo | undefined => {
  if (typeof entry === 'string') return { id: entry };
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { id, name, displayName } = entry as Record<string, unknown>;
  const key = typeof id === 'string' ? id : typeof name === 'string' ? name : undefined;
  if (key === undefined) return undefined;
  const label = typeof displayName === 'string' ? displayName : name;
  return typeof label === 'string' ? { id: key, name: label } : { id: key };
};

/**
 * The server's models, from `GET /api/models` (where the server has it).
 *
 * @example
 * listModels$({ baseUrl }).subscribe((list) => console.log(list.map((m) => m.id)));
 */
export const listModels$ = (options: ListModelsOptions = {}): Observable<ModelInfo[]> =>
  listing$(options).pipe(takeUntilAborted(options?.signal));

const listing$ = (options: ListModelsOptions): Observable<ModelInfo[]> =>
  defer(() => {
    const { baseUrl } = resolveBaseUrl(options.baseUrl);
    resolveSignal(options.signal);
    const headers = resolveHeaders(options.headers);
    return exchange$<ModelInfo[]>(resolveTransport(baseUrl, headers, resolveFetch(options.fetch)), {
      step: 'models',
      path: '/api/models',
      init: { method: 'GET', headers: { accept: 'application/json' } },
      consume: async (answer, out) => {
        const list = await readJsonArray('models', answer);
        const found = list.map(toModel);
        if (found.some((m) => m === undefined)) {
          throw unexpectedResponse('models', 'a model without an id');
        }
        out.next(found as ModelInfo[]);
      },
    });
  });
