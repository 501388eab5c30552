import { uuidV4 } from '../uuid';
import { defer, Observable, switchMap } from 'rxjs';
import { H2oProtocolError } from '../errors';
import type { CompletionEvent } from '../events';
import { exchange$, Transport } from '../http/exchange';
import type { ResolvedCompletion } from '../options';
import { readChatUiUpdate } from '../stream/chat-ui';
import { conversationPath, sendDelete, sendStop } from '../steps/after-stream';
import { readJsonObject } from '../steps/json';
import { chain } from '../steps/step';
import { conversation$ } from '../steps/conversation';
import { tokens$ } from '../steps/tokens';

const parseSuperjson = (value: unknown): Record<string, unknown> | undefined => {
  try {
    const outer = (typeof value === 'string' ? JSON.parse(value) : value) as {
      json?: Record<string, unknown>;
    };
    return typeof outer?.json === 'object' && outer.json !== null ? outer.json : undefined;
  } catch {
    return undefined;
  }
};

// `rootMessageId`, or on older servers the first message (the system root).
const rootMessageId = (conversation: Record<string, unknown> | undefined): string | undefined => {
  if (!conversation) return undefined;
  if (typeof conversation.rootMessageId === 'string') return conversation.rootMessageId;
  const first = (conversation.messages as Array<{ id?: unknown }> | undefined)?.[0];
  return typeof first?.id === 'string' ? first.id : undefined;
};

// Older servers answer without the conversation: fetch it to find the root message.
const parentId$ = (transport: Transport, id: string): Observable<string> =>
  exchange$<string>(transport, {
    step: 'conversation',
    path: `/api/v2/conversations/${encodeURIComponent(id)}`,
    init: { method: 'GET', headers: { accept: 'application/json' } },
    consume: async (answer, out) => {
      const root = rootMessageId(parseSuperjson(await readJsonObject('conversation', answer)));
      if (root === undefined) {
        throw new H2oProtocolError('conversation', 'unexpected-response', 'no root message id');
      }
      out.next(root);
    },
  });

const boundary = () => `----h2o-rx-${uuidV4()}`;

/** The stream request's multipart body: one field `data` holding the JSON. */
export const multipartData = (data: unknown, separator: string): string =>
  `--${separator}\r\nContent-Disposition: form-data; name="data"\r\n\r\n` +
  `${JSON.stringify(data)}\r\n--${separator}--\r\n`;

const stream$ = (
  transport: Transport,
  c: ResolvedCompletion,
  id: string,
  parentId: string,
): Observable<CompletionEvent> => {
  const generationId = uuidV4();
  const separator = boundary();
  return tokens$(transport, {
    conversationId: id,
    path: conversationPath(id),
    init: {
      method: 'POST',
      headers: {
        accept: 'application/jsonl,application/json',
        'content-type': `multipart/form-data; boundary=${separator}`,
        // A multipart POST passes the server's CSRF check only with a same-origin Origin.
        origin: c.origin,
      },
      body: multipartData(
        { inputs: c.inputs, id: parentId, is_retry: false, is_continue: false, generationId },
        separator,
      ),
    },
    read: readChatUiUpdate,
    maxLineBytes: c.maxLineBytes,
    endToken: c.endToken,
    // So that what the server keeps is what the user saw.
    abandon: (seenContentLength) => sendStop(transport, id, { generationId, seenContentLength }),
    afterAnswer: c.deleteAfter ? () => sendDelete(transport, id) : undefined,
  });
};

/**
 * Dialect chat-ui (today's chat-ui): conversation (its cookie minted there, or by
 * `openSession`'s settings) → tokens. Sampling parameters are the server's own to choose.
 */
export const chatUiCompletion$ = (transport: Transport, c: ResolvedCompletion) =>
  defer(() =>
    chain(conversation$(transport, c.model), ({ id, json }) => {
      // The root (system) message is the parent of the first user message.
      const parentId = rootMessageId(parseSuperjson(json.conversation));
      return parentId !== undefined
        ? stream$(transport, c, id, parentId)
        : parentId$(transport, id).pipe(switchMap((root) => stream$(transport, c, id, root)));
    }),
  );
