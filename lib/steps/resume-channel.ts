import type { Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import { truncated, unexpectedResponse } from '../protocol-errors';
import { readChatUiUpdate } from '../stream/chat-ui';
import { createLineDecoder } from '../stream/lines';
import { createSseFieldDecoder, SseEvent } from '../stream/sse-fields';
import type { StreamSink } from '../stream/tgi';
import { conversationPath } from './conversation';

/**
 * What the subscriber already has of one answer, and where the channel can pick up. Sequence
 * numbers are not a count of the lines the POST stream gave (the server merges fast tokens into
 * one stored update), so a first re-attachment replays from 0 and skips by text; later ones
 * start after the last update a channel delivered, whose text position is then known.
 */
export interface ResumeProgress {
  /** Characters of answer text emitted so far. */
  chars: number;
  /** Token events emitted so far. */
  tokens: number;
  /** The last sequence number a channel delivered (0: none). */
  fromSeq: number;
  /** Characters of answer text up to and including `fromSeq`. */
  charsAtSeq: number;
}

/** The generation to re-attach to. */
export interface ResumeTarget {
  readonly conversationId: string;
  readonly generationId: string;
  readonly maxLineBytes: number;
}

/** Thrown when the channel ends without the answer's final update (`end` `gone` and kin). */
const gone = (status: string) =>
  unexpectedResponse('stream', `the resume channel ended (${status}) without the final answer`);

const endStatus = (data: string): string => {
  try {
    const status = (JSON.parse(data) as { status?: unknown }).status;
    return typeof status === 'string' ? status : 'no status';
  } catch {
    return 'no status';
  }
};

/**
 * `GET /conversation/<id>/stream?generationId=…&fromSeq=…` (today's chat-ui): emits a
 * `resume` step event, then only the text not yet emitted (a replayed update that straddles
 * what was emitted gives its new part), then `done` with `finalAnswer.text`; reading stops at
 * the final answer or at `end` (the server holds the socket seconds more). Advances `progress`.
 * Errors: the channel's HTTP error; `truncated` or a network error when its body stops short
 * (re-attaching may still work); `unexpected-response` when it ends without the final answer.
 */
export const resumeChannel$ = (
  transport: Transport,
  target: ResumeTarget,
  progress: ResumeProgress,
): Observable<CompletionEvent> =>
  exchange$<CompletionEvent>(transport, {
    step: 'stream',
    path:
      `${conversationPath(target.conversationId)}/stream` +
      `?generationId=${encodeURIComponent(target.generationId)}&fromSeq=${progress.fromSeq}`,
    init: { method: 'GET', headers: { accept: 'text/event-stream' } },
    consume: async ({ body, ms }, out) => {
      out.next({ type: 'step', step: 'resume', ms });
      let position = progress.charsAtSeq;
      let ended: string | undefined;
      let answered = false;
      const sink: StreamSink = {
        token({ text }) {
          const before = position;
          position += text.length;
          if (position <= progress.chars) return;
          const fresh = before >= progress.chars ? text : text.slice(progress.chars - before);
          progress.chars = position;
          progress.tokens++;
          out.next({ type: 'token', text: fresh });
        },
        final(text) {
          answered = true;
          const { conversationId } = target;
          out.next({ type: 'done', text, tokens: progress.tokens, conversationId });
        },
      };
      const onEvent = ({ event, id, data }: SseEvent) => {
        if (event === 'end') {
          ended = endStatus(data);
          return;
        }
        if (event !== 'update') return;
        readChatUiUpdate(data, sink);
        const seq = id === undefined ? NaN : Number(id);
        if (Number.isSafeInteger(seq) && seq > progress.fromSeq) {
          progress.fromSeq = seq;
          progress.charsAtSeq = position;
        }
      };
      const sse = createSseFieldDecoder(onEvent);
      const lines = createLineDecoder(sse, target.maxLineBytes);
      try {
        let reading = true;
        for await (const chunk of body.chunks) {
          lines.feed(chunk);
          if (answered || ended !== undefined) {
            reading = false;
            break;
          }
        }
        if (reading) {
          lines.end();
          sse('');
        }
      } finally {
        body.cancel();
      }
      if (answered) return;
      throw ended === undefined ? truncated(progress.tokens) : gone(ended);
    },
  });
