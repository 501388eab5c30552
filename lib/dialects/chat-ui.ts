import { EMPTY, Observable, switchMap } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import type { ResolvedCompletion } from '../options';
import { readChatUiUpdate } from '../stream/chat-ui';
import { chain } from '../steps/chain';
import { conversation$, conversationPath } from '../steps/conversation';
import { rootMessage$, rootMessageId } from '../steps/root-message';
import { chatUiSettings$ } from '../steps/settings';
import { sendStop } from '../steps/stop';
import { tokens$ } from '../steps/tokens';

const stream$ = (c: ResolvedCompletion, id: string, parentId: string) => {
  const { body, contentType } = c.streamBody(parentId);
  return tokens$(c.transport, {
    conversationId: id,
    path: conversationPath(id),
    init: {
      method: 'POST',
      headers: {
        accept: 'application/jsonl, application/json',
        'content-type': contentType,
        // A multipart POST passes the server's CSRF check only with a same-origin Origin.
        origin: c.origin,
      },
      body,
    },
    read: readChatUiUpdate,
    maxLineBytes: c.maxLineBytes,
    endToken: c.endToken,
    // So that what the server keeps is what the user saw.
    abandon: (seenContentLength) =>
      sendStop(c.transport, id, { generationId: c.generationId, seenContentLength }),
  });
};

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
