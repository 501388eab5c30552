import { EMPTY, Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import type { ResolvedCompletion } from '../options';
import { readTgiEvent } from '../stream/tgi';
import { chain } from '../steps/chain';
import { conversation$, conversationPath } from '../steps/conversation';
import { session$ } from '../steps/session';
import { settings$ } from '../steps/settings';
import { sendStop } from '../steps/stop';
import { tokens$ } from '../steps/tokens';

const stream$ = (c: ResolvedCompletion, conversationId: string) => {
  const { body, contentType } = c.streamBody(conversationId);
  return tokens$(c.transport, {
    conversationId,
    path: conversationPath(conversationId),
    init: {
      method: 'POST',
      headers: { accept: 'text/event-stream, application/json', 'content-type': contentType },
      body,
    },
    read: readTgiEvent,
    maxLineBytes: c.maxLineBytes,
    endToken: c.endToken,
    abandon: () => sendStop(c.transport, conversationId),
  });
};

/**
 * Session and settings of dialect h2o: `GET /`, then `POST /settings` choosing the model;
 * their step events, then whatever `next` makes (`openSession`: nothing).
 */
export const h2oSession$ = (
  transport: Transport,
  origin: string,
  settings: WireBody,
  next: () => Observable<CompletionEvent> = () => EMPTY,
): Observable<CompletionEvent> =>
  chain(session$(transport), () => chain(settings$(transport, origin, settings), next));

/**
 * Dialect h2o (2023 chat-ui in front of TGI): session → settings → conversation → tokens,
 * or conversation → tokens on an open session.
 */
export const h2oCompletion$ = (c: ResolvedCompletion): Observable<CompletionEvent> => {
  const talk = () => chain(conversation$(c.transport, c.model), ({ id }) => stream$(c, id));
  return c.session ? talk() : h2oSession$(c.transport, c.origin, c.settingsBody, talk);
};
