import { Observable } from 'rxjs';
import { H2oProtocolError } from '../errors';
import { malformed, truncated } from '../protocol-errors';
import type { CompletionEvent } from '../events';
import { exchange$, type RequestParts, Transport } from '../http/request';
import { PayloadReader, pumpStream } from '../stream/pump';
import { unrefTimer } from '../unref-timer';

/**
 * How long `done` may wait after the final update for what the server still says about the
 * answer (today's chat-ui writes a backend's router metadata after `finalAnswer`, then
 * `finished`): it goes at `finished`, at the body's end, or after this, whichever is first.
 */
export const lateUpdatesMs = 200;

/** The stream request of a dialect, and how to read and stop it. */
export interface StreamSpec {
  readonly conversationId: string;
  readonly path: string;
  readonly init: RequestParts;
  readonly read: PayloadReader;
  readonly maxLineBytes: number;
  /** The token that ends the answer; a special token is passed on only when it is this one. */
  readonly endToken: string;
  /**
   * Called when the subscriber leaves before the stream ended (unsubscribe, `take`, the end
   * token): aborting alone does not stop the server generating. Gets the text length seen.
   */
  readonly abandon: (seenChars: number) => void;
  /**
   * Called once the answer is complete (its final event, or the end token), after the
   * subscriber has had it: `deleteAfter`.
   */
  readonly afterAnswer?: () => void;
  /**
   * The server may still write about the answer after its final update (today's chat-ui):
   * `done` then waits for `finished`, the body's end or {@link lateUpdatesMs}.
   */
  readonly lateUpdates?: boolean;
}

// The client itself ended these streams (the server would go on generating); the server ended
// the others (its in-band error, the end of the body) or never started one (an HTTP status).
const cutByClient = (err: unknown): boolean =>
  err instanceof H2oProtocolError &&
  (err.reason === 'line-too-long' ||
    err.reason === 'malformed' ||
    err.reason === 'unexpected-response');

/**
 * The stream step: emits its step event, the tokens and (dialect chat-ui) the other updates as
 * they arrive, and `done` with the server's final text. A body that ends without the final update is
 * `H2oProtocolError('truncated')`.
 */
export const tokens$ = (transport: Transport, spec: StreamSpec): Observable<CompletionEvent> =>
  new Observable<CompletionEvent>((subscriber) => {
    let ended = false;
    let answered = false;
    // The final event or the end token came: the answer is whole.
    let whole = false;
    let tokens = 0;
    let seenChars = 0;
    // The done event while the server may still say something of the answer.
    let held: CompletionEvent | undefined;
    let holdTimer: ReturnType<typeof setTimeout> | undefined;
    const release = () => {
      clearTimeout(holdTimer);
      const done = held;
      held = undefined;
      if (done) subscriber.next(done);
    };
    const request = exchange$<CompletionEvent>(transport, {
      step: 'stream',
      path: spec.path,
      init: spec.init,
      // After the final event, the rest of the body (its end) is read, not cut.
      linger: () => answered,
      // Events go straight to the subscriber: one layer less for every token.
      consume: async ({ body, ms }) => {
        subscriber.next({ type: 'step', step: 'stream', ms });
        await pumpStream(body.chunks, spec.maxLineBytes, spec.read, {
          token(event) {
            // Lingering is for the protocol's own tail (blank lines, padding, `finished`): a
            // token after the final event is not, so the body is cut at once.
            if (answered) throw malformed(event.text, 'a token after the final event: ');
            if (ended) return;
            // The end token goes on, uncounted, so that takeWhile ends the stream there.
            if (event.text === spec.endToken) {
              whole = true;
              return subscriber.next(event);
            }
            if (event.special) return;
            // Counted before it is passed on: a subscriber may leave while taking it.
            tokens++;
            seenChars += event.text.length;
            subscriber.next(event);
          },
          final(text, interrupted) {
            if (ended) return;
            ended = true;
            answered = true;
            whole = true;
            const { conversationId } = spec;
            const done: CompletionEvent =
              interrupted === undefined
                ? { type: 'done', text, tokens, conversationId }
                : { type: 'done', text, tokens, conversationId, interrupted };
            if (!spec.lateUpdates) return subscriber.next(done);
            held = done;
            holdTimer = unrefTimer(lateUpdatesMs, release);
          },
          // What the server says beside the answer, up to `done`: after it (the protocol's
          // tail) it is dropped, as nothing reads on.
          update(event) {
            if (!ended || held) subscriber.next(event);
          },
          finished: release,
        });
        release();
        if (!ended) {
          ended = true;
          throw truncated(tokens);
        }
      },
    }).subscribe({
      error: (err: unknown) => {
        // The answer is whole: what broke is the tail, which nothing needs.
        if (held) {
          release();
          return subscriber.complete();
        }
        if (!ended && cutByClient(err)) spec.abandon(seenChars);
        ended = true;
        subscriber.error(err);
      },
      complete: () => subscriber.complete(),
    });
    return () => {
      clearTimeout(holdTimer);
      request.unsubscribe();
      if (!ended) {
        ended = true;
        spec.abandon(seenChars);
      }
      if (whole) spec.afterAnswer?.();
    };
  });
