import { MonoTypeOperatorFunction, Observable } from 'rxjs';
import type { CompletionEvent } from '../events';

/**
 * Ends an answer's events at the end token (not passed on) or at `done` (passed on): leaving
 * there reaches the stream step, which stops the server if it was still writing. It is
 * `takeWhile` on the end token then `takeWhile` inclusive on `done`, as one layer: every token
 * passes through it.
 */
export const untilAnswered =
  (endToken: string): MonoTypeOperatorFunction<CompletionEvent> =>
  (source) =>
    new Observable<CompletionEvent>((subscriber) =>
      // Completing the subscriber runs its teardown, which unsubscribes the source.
      source.subscribe({
        next: (event) => {
          if (event.type === 'token' && event.text === endToken) return subscriber.complete();
          subscriber.next(event);
          if (event.type === 'done') subscriber.complete();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
