import { defer, Observable } from 'rxjs';
import type { Dialect } from './dialect';
import { readJsonArray, readJsonObject } from './http/json';
import { exchange$ } from './http/request';
import { FetchLike, resolveTransport, type Transport } from './http/transport';
import { resolveBaseUrl, resolveFetch, resolveHeaders, resolveSignal } from './options';
import { resolveDialect } from './options/checks';
import { unexpectedResponse } from './protocol-errors';
import { takeUntilAborted } from './signal';

/** A model a server offers, with what it can do where the server says (dialect chat-ui). */
export interface ModelInfo {
  /** The id to pass as `model`. */
  id: string;
  /** A display name, where the server gives one. */
  name?: string;
  /** It takes files beyond text (images): `ask$`'s `files` of the types below. */
  multimodal?: boolean;
  /**
   * The file types a multimodal model takes (`image/*` style wildcards), where the server lists
   * them (dialect chat-ui); absent, a multimodal model takes JPEG and PNG, as chat-ui's front
   * end assumes. Text types (`text/*`, JSON, XML, CSV) go to every model.
   */
  multimodalAcceptedMimetypes?: string[];
  /** It can call tools (the server's MCP servers: `mcpServers`). */
  supportsTools?: boolean;
  /** It reasons before it answers (reasoning events, or `<think>` text). */
  supportsReasoning?: boolean;
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
  /**
   * Which server (default `'h2o'`: `GET /api/models`). `'chat-ui'` reads today's
   * `GET /api/v2/models`, which also lists `multimodalAcceptedMimetypes`.
   */
  dialect?: Dialect;
}

const FLAGS = ['multimodal', 'supportsTools', 'supportsReasoning'] as const;

const toModel = (entry: unknown): ModelInfo | undefined => {
  if (typeof entry === 'string') return { id: entry };
  if (typeof entry !== 'object' || entry === null) return undefined;
  const listed = entry as Record<string, unknown>;
  const { id, name, displayName, multimodalAcceptedMimetypes: types } = listed;
  const key = typeof id === 'string' ? id : typeof name === 'string' ? name : undefined;
  if (key === undefined) return undefined;
  const label = typeof displayName === 'string' ? displayName : name;
  const model: ModelInfo = typeof label === 'string' ? { id: key, name: label } : { id: key };
  // Only what the server listed: the 2023 server lists none of these.
  for (const flag of FLAGS) if (typeof listed[flag] === 'boolean') model[flag] = listed[flag];
  if (Array.isArray(types) && types.every((t) => typeof t === 'string')) {
    model.multimodalAcceptedMimetypes = types;
  }
  return model;
};

/**
 * The models of the server behind `transport`: `GET /api/models` (a JSON array), or in dialect
 * chat-ui `GET /api/v2/models` (superjson: the array under `json`).
 */
export const modelList$ = (transport: Transport, dialect: Dialect): Observable<ModelInfo[]> =>
  exchange$<ModelInfo[]>(transport, {
    step: 'models',
    path: dialect === 'chat-ui' ? '/api/v2/models' : '/api/models',
    init: { method: 'GET', headers: { accept: 'application/json' } },
    consume: async (answer, out) => {
      const list =
        dialect === 'chat-ui'
          ? (await readJsonObject('models', answer)).json
          : await readJsonArray('models', answer);
      if (!Array.isArray(list)) throw unexpectedResponse('models', 'no model array in the answer');
      const found = list.map(toModel);
      if (found.some((m) => m === undefined)) {
        throw unexpectedResponse('models', 'a model without an id');
      }
      out.next(found as ModelInfo[]);
    },
  });

/**
 * The server's models, from `GET /api/models` (where the server has it; dialect chat-ui:
 * `GET /api/v2/models`), with their capabilities where the server lists them.
 *
 * @example
 * listModels$({ baseUrl, dialect: 'chat-ui' }).subscribe((list) =>
 *   console.log(list.filter((m) => m.multimodal).map((m) => m.id)),
 * );
 */
export const listModels$ = (options: ListModelsOptions = {}): Observable<ModelInfo[]> =>
  defer(() => {
    const { baseUrl } = resolveBaseUrl(options.baseUrl);
    resolveSignal(options.signal);
    const dialect = resolveDialect(options.dialect);
    const headers = resolveHeaders(options.headers);
    return modelList$(resolveTransport(baseUrl, headers, resolveFetch(options.fetch)), dialect);
  }).pipe(takeUntilAborted(options?.signal));
