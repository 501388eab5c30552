import { defer, map, Observable, switchMap } from 'rxjs';
import { createDefaultFetch } from './http/default-fetch';
import type { Transport } from './http/exchange';
import { defaultModel, modelId } from './models';
import {
  Dialect,
  FetchLike,
  resolveBaseUrl,
  resolveDialect,
  resolveFetch,
  resolveHeaders,
} from './options';
import { H2oInputError } from './errors';
import { session$ } from './steps/session';
import { settings$ } from './steps/settings';
import { chatUiSettings$ } from './dialects/chat-ui-settings';

/** A server session (its cookie jar inside `fetch`) that completions can share. */
export interface H2oSession {
  /** The server, without a trailing slash. */
  readonly baseUrl: string;
  /** The protocol the session was opened with. */
  readonly dialect: Dialect;
  /** The fetch that carries the session's cookie. */
  readonly fetch: FetchLike;
  /** The model chosen in the settings. */
  readonly model: string;
  /** The headers it was opened with: they go with every completion that uses it. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of {@link openSession}; all optional. */
export interface SessionOptions {
  /** The chat server (default `https://gpt-gm.h2o.ai`). */
  baseUrl?: string;
  /** The fetch to use (default: a fresh cookie jar over cross-fetch in Node). */
  fetch?: FetchLike;
  /** Extra headers on the session's requests. */
  headers?: Record<string, string>;
  /** The server's protocol (default `'h2o'`). */
  dialect?: Dialect;
  /** The model to choose in the settings (default `falcon-40b`). */
  model?: string;
}

/**
 * Opens a session: `GET /` and `POST /settings` (dialect chat-ui: the JSON settings POST,
 * which mints the cookie), then emits it. Cold: each subscription opens a new one.
 * `shareReplay(1)` it to run many completions on one session at two requests each.
 *
 * @example
 * const session$ = openSession({ baseUrl }).pipe(shareReplay(1));
 * session$.pipe(switchMap((session) => completion$('falcon-40b', messages, { session })));
 */
export const openSession = (options: SessionOptions = {}): Observable<H2oSession> =>
  defer(() => {
    if (typeof options !== 'object' || options === null) {
      throw new H2oInputError('options must be an object');
    }
    const { baseUrl, origin } = resolveBaseUrl(options.baseUrl);
    const dialect = resolveDialect(options.dialect);
    const name = options.model ?? defaultModel;
    if (typeof name !== 'string' || name.trim() === '') {
      throw new H2oInputError('model must be a non-empty string');
    }
    const model = modelId(name);
    const fetch = resolveFetch(options.fetch) ?? createDefaultFetch();
    const headers = resolveHeaders(options.headers);
    const transport: Transport = { fetch, baseUrl, headers };
    const session: H2oSession = { baseUrl, dialect, fetch, model, headers };
    const ready$ =
      dialect === 'h2o'
        ? session$(transport).pipe(switchMap(() => settings$(transport, origin, model)))
        : chatUiSettings$(transport, model);
    return ready$.pipe(map(() => session));
  });
