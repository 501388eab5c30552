import { EMPTY, Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import type { ResolvedCompletion } from '../options';
import { chain } from '../steps/chain';
import { conversation$ } from '../steps/conversation';
import { h2oStream$ } from '../steps/h2o-stream';
import { session$ } from '../steps/session';
import { settings$ } from '../steps/settings';

const stream$ = (c: ResolvedCompletion, conversationId: string) =>
  h2oStream$(c.transport, {
    conversationId,
    body: c.streamBody(conversationId),
    maxLineBytes: c.maxLineBytes,
    endToken: c.endToken,
  });

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
