import { MonoTypeOperatorFunction, pipe, takeWhile } from 'rxjs';
import type { CompletionEvent } from '../events';

/**
 * Ends an answer's events at the end token (not passed on) or at `done` (passed on): leaving
 * there reaches the stream step, which stops the server if it was still writing.
 */
export const untilAnswered = (endToken: string): MonoTypeOperatorFunction<CompletionEvent> =>
  pipe(
    takeWhile((e) => e.type !== 'token' || e.text !== endToken),
    takeWhile((e) => e.type !== 'done', true),
  );
