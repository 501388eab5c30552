import {
  concat,
  defer,
  EMPTY,
  first,
  from,
  MonoTypeOperatorFunction,
  Observable,
  repeat,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import type { CompletionEvent } from '../events';
import { fireAndForgetSettled } from '../http/fire-and-forget';
import { untilAnswered } from './answer-end';
import type { TurnGate } from './turn-gate';

// Between reads of the stored conversation: quickly at first, then no more often than every
// 400 ms (the 2023 server applies a stop about once a second).
const pollDelaysMs = [25, 50, 100, 200, 400];
// The first read waits this long: a save lands a few ms after the stream, and a read before it
// is a request for nothing.
const firstReadMs = 10;

/**
 * Reads `read$` again, a little later each time, until `isStored` holds for what it gave; then
 * emits that and completes. A read that fails ends it with that error.
 */
export const readUntil = <T>(read$: Observable<T>, isStored: (value: T) => boolean) =>
  timer(firstReadMs).pipe(
    switchMap(() =>
      read$.pipe(
        repeat({ delay: (count) => timer(pollDelaysMs[Math.min(count, pollDelaysMs.length) - 1]) }),
      ),
    ),
    first(isStored),
  );

/** How a turn learns that the server stored it. */
export interface StoredChecks {
  /** Once the answer came whole: the stored conversation holds it (the turn's end waits). */
  readonly whole: () => Observable<unknown>;
  /** Once the subscriber left mid-answer: the stored conversation holds the stopped answer. */
  readonly stopped: () => Observable<unknown>;
}

/**
 * Ends a conversation's turn where the server has stored it: the answer's events up to its end
 * (the end token, or `done`), then, before completing, `checks.whole` (bounded by the gate). A
 * subscriber that leaves mid-answer (unsubscribe, `take`, `timeout`) has the stream step send
 * stop-generating; the gate then holds `checks.stopped` after the stop's answer, so that the
 * next turn is sent once the server has stored the stopped answer and its stop can no longer
 * reach the new generation. A failed turn holds nothing: its retry reads what was stored.
 */
export const endsWhenStored =
  (
    gate: TurnGate,
    endToken: string,
    checks: StoredChecks,
  ): MonoTypeOperatorFunction<CompletionEvent> =>
  (answer$) =>
    concat(
      answer$.pipe(
        untilAnswered(endToken),
        // Runs after the stream step's teardown, which has sent the stop.
        tap({
          unsubscribe: () => gate.hold(concat(from(fireAndForgetSettled()), checks.stopped())),
        }),
      ),
      defer(() => {
        gate.hold(checks.whole());
        return gate.after(EMPTY);
      }),
    );
