import { EMPTY, Observable, switchMap } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import type { EncodedFile } from '../files';
import { modelList$ } from '../list-models';
import type { ResolvedCompletion } from '../options';
import { turnExtras$ } from '../turn-extras';
import { chain } from '../steps/chain';
import { chatUiStream$ } from '../steps/chat-ui-stream';
import { conversation$ } from '../steps/conversation';
import { rootMessage$, rootMessageId } from '../steps/root-message';
import { sendDelete } from '../steps/delete';
import { chatUiSettings$ } from '../steps/settings';

const stream$ = (
  c: ResolvedCompletion,
  id: string,
  parentId: string,
  files: readonly EncodedFile[],
) =>
  chatUiStream$(c.transport, {
    conversationId: id,
    body: c.streamBody(parentId, files),
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

const answer$ = (c: ResolvedCompletion, files: readonly EncodedFile[] = []) =>
  chain(conversation$(c.transport, c.model), ({ id, json }) => {
    // The root (system) message is the parent of the first user message.
    const parentId = rootMessageId(json.conversation);
    return parentId !== undefined
      ? stream$(c, id, parentId, files)
      : rootMessage$(c.transport, id).pipe(switchMap((root) => stream$(c, id, root, files)));
  });

/**
 * Dialect chat-ui (today's chat-ui): conversation (its cookie minted there, or by
 * `openSession`'s settings) → tokens. Sampling parameters are the server's own to choose.
 * With files, the model list first (`GET /api/v2/models`): a type the model does not take is an
 * `H2oInputError` before the conversation is made.
 */
export const chatUiCompletion$ = (c: ResolvedCompletion): Observable<CompletionEvent> =>
  c.files.length === 0
    ? answer$(c)
    : turnExtras$({ streamed: true, files: c.files }, c.model, () =>
        modelList$(c.transport, 'chat-ui'),
      ).pipe(switchMap(({ files }) => answer$(c, files)));
