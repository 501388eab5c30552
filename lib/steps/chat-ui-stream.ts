import type { Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import { readChatUiUpdate } from '../stream/chat-ui';
import { conversationPath } from './conversation';
import { withResume } from './resume';
import { resumeChannel$ } from './resume-channel';
import { sendStop } from './stop';
import { tokens$ } from './tokens';

/** One stream request of today's chat-ui: its body, and how its answer is read. */
export interface ChatUiStreamSpec {
  readonly conversationId: string;
  /** The `data` multipart body; its `generationId` is {@link generationId}. */
  readonly body: WireBody;
  /** Links the stream to its stop request and to the resume channel. */
  readonly generationId: string;
  readonly origin: string;
  readonly maxLineBytes: number;
  readonly endToken: string;
  /** Re-attachments to the generation when the connection drops (0: none). */
  readonly resume: number;
  /** Called once the answer is whole (`deleteAfter`), resumed or not. */
  readonly afterAnswer?: () => void;
}

/**
 * `POST /conversation/<id>` of today's chat-ui: the stream step, re-attached to the server's
 * generation when its connection drops (`resume` times at most), stopped with the generation id
 * and the length the user saw when the subscriber leaves.
 */
export const chatUiStream$ = (
  transport: Transport,
  s: ChatUiStreamSpec,
): Observable<CompletionEvent> => {
  const id = s.conversationId;
  // So that what the server keeps is what the user saw.
  const abandon = (seenContentLength: number) =>
    sendStop(transport, id, { generationId: s.generationId, seenContentLength });
  const first$ = tokens$(transport, {
    conversationId: id,
    path: conversationPath(id),
    init: {
      method: 'POST',
      headers: {
        accept: 'application/jsonl,application/json',
        'content-type': s.body.contentType,
        // A multipart POST passes the server's CSRF check only with a same-origin Origin.
        origin: s.origin,
      },
      body: s.body.body,
    },
    read: readChatUiUpdate,
    maxLineBytes: s.maxLineBytes,
    endToken: s.endToken,
    abandon,
    afterAnswer: s.afterAnswer,
    lateUpdates: true,
  });
  const target = { conversationId: id, generationId: s.generationId, maxLineBytes: s.maxLineBytes };
  return withResume(first$, {
    attempts: s.resume,
    reattach: (progress) => resumeChannel$(transport, target, progress),
    abandon,
    afterAnswer: s.afterAnswer,
  });
};
