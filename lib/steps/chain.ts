import { Observable } from 'rxjs';
import type { CompletionEvent, HandshakeStep } from '../events';

/** What a handshake step produced, and how long its request took. */
export interface StepResult<T> {
  readonly step: HandshakeStep;
  readonly ms: number;
  readonly value: T;
}

/**
 * Chains a step to the next: emits the step's own event, then whatever `next` makes of
 * its result. Unsubscribing at any point reaches whichever request is in flight.
 *
 * It is `step$.pipe(switchMap(({ step, ms, value }) => concat(of(stepEvent), defer(() =>
 * next(value)))))`, subscribing the next step with this chain's own subscriber instead: every
 * token of the answer passes through each step of the handshake, and switchMap + concat would
 * add two layers for it at each: 80–124 ns a token on the cold path's three
 * (bench/operators.ts), 6–9% of the ~1.4 µs a token costs in all (bench/ab.ts, memory case).
 * Guarded as RxJS's `operate` guards its operators: a throw in `next` reaches the subscriber
 * as an error (not an uncaught exception that leaves the completion hanging), and a subscriber
 * that left while taking the step event starts no further step (no request, nothing to stop).
 */
export const chain = <T>(
  step$: Observable<StepResult<T>>,
  next: (value: T) => Observable<CompletionEvent>,
): Observable<CompletionEvent> =>
  new Observable<CompletionEvent>((subscriber) => {
    let answered = false;
    return step$.subscribe({
      next: ({ step, ms, value }) => {
        answered = true;
        subscriber.next({ type: 'step', step, ms });
        if (subscriber.closed) return;
        let next$: Observable<CompletionEvent>;
        try {
          next$ = next(value);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        // Its teardown joins the subscriber's: unsubscribing reaches it.
        next$.subscribe(subscriber);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        if (!answered) subscriber.complete();
      },
    });
  });
