import { defer, Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport } from '../http/exchange';
import type { ResolvedCompletion } from '../options';
import { readTgiEvent } from '../stream/tgi';
import { conversationPath, sendDelete, sendStop } from '../steps/after-stream';
import { conversation$ } from '../steps/conversation';
import { session$ } from '../steps/session';
import { settings$ } from '../steps/settings';
import { chain } from '../steps/step';
import { tokens$ } from '../steps/tokens';

/** The stream request's body: the provider's defaults, `stream` always true on the wire. */
export const h2oStreamBody = (c: ResolvedCompletion): string =>
  JSON.stringify({
    inputs: c.inputs,
    parameters: c.parameters,
    stream: true,
    options: {
      id: c.id,
      response_id: c.responseId,
      is_retry: false,
      use_cache: false,
      web_search_id: '',
    },
  });

const stream$ = (transport: Transport, c: ResolvedCompletion, conversationId: string) =>
  tokens$(transport, {
    conversationId,
    path: conversationPath(conversationId),
    init: {
      method: 'POST',
      headers: {
        // No space after the comma: SvelteKit 1.15 does not trim it, and " application/json"
        // would match nothing (every error then comes back as an HTML page).
        accept: 'text/event-stream,application/json',
        'content-type': 'application/json',
      },
      body: h2oStreamBody(c),
    },
    read: readTgiEvent,
    maxLineBytes: c.maxLineBytes,
    endToken: c.endToken,
    abandon: () => sendStop(transport, conversationId),
    afterAnswer: c.deleteAfter ? () => sendDelete(transport, conversationId) : undefined,
  });

/** Session and settings of dialect h2o: `GET /`, then `POST /settings` choosing `model`. */
export const h2oHandshake = (
  transport: Transport,
  origin: string,
  model: string,
  next: () => Observable<CompletionEvent>,
): Observable<CompletionEvent> =>
  chain(session$(transport), () => chain(settings$(transport, origin, model), next));

/**
 * Dialect h2o (2023 chat-ui in front of TGI): session → settings → conversation → tokens,
 * or conversation → tokens on an open session.
 */
export const h2oCompletion$ = (transport: Transport, c: ResolvedCompletion) =>
  defer(() => {
    const talk = () =>
      chain(conversation$(transport, c.model), ({ id }) => stream$(transport, c, id));
    return c.session ? talk() : h2oHandshake(transport, c.origin, c.model, talk);
  });
