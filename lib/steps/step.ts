import { concat, Observable, of, switchMap } from 'rxjs';
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
 */
export const chain = <T>(
  step$: Observable<StepResult<T>>,
  next: (value: T) => Observable<CompletionEvent>,
): Observable<CompletionEvent> =>
  step$.pipe(
    switchMap(({ step, ms, value }) =>
      concat(of<CompletionEvent>({ type: 'step', step, ms }), next(value)),
    ),
  );
