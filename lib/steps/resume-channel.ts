import type { Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import { truncated, unexpectedResponse } from '../protocol-errors';
import { KEEP_ALIVE, readChatUiUpdate } from '../stream/chat-ui';
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
  /** Characters of reasoning text emitted so far (the server merges its tokens too). */
  reasoningChars: number;
  /** Characters of reasoning text up to and including `fromSeq`. */
  reasoningCharsAtSeq: number;
  /**
   * Other update events emitted so far (tool, file, title, router, reasoning status): each is
   * one logged update, so they are skipped by count. Keep-alives are not logged, nor counted.
   */
  updates: number;
  /** Those update events up to and including `fromSeq`. */
  updatesAtSeq: number;
}

/** Nothing emitted yet: where a first re-attachment starts. */
export const freshProgress = (): ResumeProgress => ({
  chars: 0,
  tokens: 0,
  fromSeq: 0,
  charsAtSeq: 0,
  reasoningChars: 0,
  reasoningCharsAtSeq: 0,
  updates: 0,
  updatesAtSeq: 0,
});

/**
 * Counts an event the subscriber was given into `progress`: what a replay must then skip.
 * Keep-alives and steps count for nothing.
 */
export const countEmitted = (progress: ResumeProgress, event: CompletionEvent): void => {
  if (event.type === 'token') {
    progress.chars += event.text.length;
    progress.tokens++;
  } else if (event.type === 'reasoning') progress.reasoningChars += event.text.length;
  else if (event.type !== 'step' && event.type !== 'done' && event.type !== 'keep-alive') {
    progress.updates++;
  }
};

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
 * what was emitted gives its new part; reasoning the same), only the other updates not yet
 * emitted (by count), then `done` with `finalAnswer.text`; reading stops at
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
      let reasoningAt = progress.reasoningCharsAtSeq;
      let updatesAt = progress.updatesAtSeq;
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
        final(text, interrupted = false) {
          answered = true;
          const { conversationId } = target;
          out.next({ type: 'done', text, tokens: progress.tokens, conversationId, interrupted });
        },
        update(event) {
          // The channel replays no keep-alive (the server does not log them): none to skip.
          if (event.type === 'keep-alive') return out.next(event);
          if (event.type === 'reasoning') {
            const before = reasoningAt;
            reasoningAt += event.text.length;
            if (reasoningAt <= progress.reasoningChars) return;
            const skip = progress.reasoningChars - before;
            progress.reasoningChars = reasoningAt;
            return out.next(skip > 0 ? { type: 'reasoning', text: event.text.slice(skip) } : event);
          }
          updatesAt++;
          if (updatesAt <= progress.updates) return;
          progress.updates = updatesAt;
          out.next(event);
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
          progress.reasoningCharsAtSeq = reasoningAt;
          progress.updatesAtSeq = updatesAt;
        }
      };
      // The channel's `: heartbeat` (every 250 ms with nothing new) is its keep-alive: without
      // it, a user's idle timeout would trip on a resumed answer's long reasoning phase.
      const sse = createSseFieldDecoder(onEvent, () => out.next(KEEP_ALIVE));
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
