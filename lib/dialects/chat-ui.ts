import { EMPTY, Observable, switchMap } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import type { ResolvedCompletion } from '../options';
import { chain } from '../steps/chain';
import { chatUiStream$ } from '../steps/chat-ui-stream';
import { conversation$ } from '../steps/conversation';
import { rootMessage$, rootMessageId } from '../steps/root-message';
import { sendDelete } from '../steps/delete';
import { chatUiSettings$ } from '../steps/settings';

const stream$ = (c: ResolvedCompletion, id: string, parentId: string) =>
  chatUiStream$(c.transport, {
    conversationId: id,
    body: c.streamBody(parentId),
    generationId: c.generationId,
    origin: c.origin,
    maxLineBytes: c.maxLineBytes,
    endToken: c.endToken,
    resume: c.resume,
    afterAnswer: c.deleteAfter ? () => sendDelete(c.transport, id) : undefined,
  });

/**
 * The session of today's chat-ui: its JSON settings POST, which mints the cookie; its step
 * event, then whatever `next` makes (`openSession`: nothing).
 */
export const chatUiSession$ = (
  transport: Transport,
  settings: WireBody,
  next: () => Observable<CompletionEvent> = () => EMPTY,
): Observable<CompletionEvent> => chain(chatUiSettings$(transport, settings), next);

/**
 * Dialect chat-ui (today's chat-ui): conversation (its cookie minted there, or by
 * `openSession`'s settings) → tokens. Sampling parameters are the server's own to choose.
 */
export const chatUiCompletion$ = (c: ResolvedCompletion): Observable<CompletionEvent> =>
  chain(conversation$(c.transport, c.model), ({ id, json }) => {
    // The root (system) message is the parent of the first user message.
    const parentId = rootMessageId(json.conversation);
    return parentId !== undefined
      ? stream$(c, id, parentId)
      : rootMessage$(c.transport, id).pipe(switchMap((root) => stream$(c, id, root)));
  });
