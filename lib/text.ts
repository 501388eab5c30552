import { Observable, OperatorFunction } from 'rxjs';
import type { CompletionEvent } from './events';

/**
 * Turns a completion's events into the answer so far: after each token, the whole text up to
 * it; at `done`, the server's final text when it differs from the last emission (today's
 * chat-ui re-runs a failed backend call and streams its first tokens again: only the final
 * text is right). Step events emit nothing. Completes and errors with its source.
 *
 * @example
 * // What a UI binds to (`async` pipe, `toSignal`): the text, never a duplicated token.
 * const text$ = completionEvents$('falcon-40b', messages, { baseUrl }).pipe(h2oText());
 */
export const h2oText = (): OperatorFunction<CompletionEvent, string> => (source) =>
  new Observable<string>((subscriber) => {
    let text = '';
    // Nothing emitted yet: a `done` with an empty answer still emits its text once.
    let emitted = false;
    return source.subscribe({
      next: (event) => {
        // As RxJS's own operators do: a throw here (an event that is not one) is an error.
        try {
          if (event.type === 'token') {
            text += event.text;
          } else if (event.type !== 'done' || (emitted && event.text === text)) {
            return;
          } else {
            text = event.text;
          }
        } catch (err) {
          return subscriber.error(err);
        }
        emitted = true;
        subscriber.next(text);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
  });
