import { MonoTypeOperatorFunction, Observable } from 'rxjs';

// rxjs's `of` and `concat` take an optional scheduler, so they bring its whole scheduled-input
// machinery into a browser bundle (about 2 kB minified); these two do the one thing we use.

/** Emits `value` and completes: `of(value)`. */
export const just$ = <T>(value: T): Observable<T> =>
  new Observable<T>((subscriber) => {
    subscriber.next(value);
    subscriber.complete();
  });

/**
 * Subscribes to `then$` once `first$` completes, passing both on: `concat(first$, then$)`.
 * Unsubscribing reaches whichever is subscribed.
 */
export const followedBy$ = <A, B>(first$: Observable<A>, then$: Observable<B>): Observable<A | B> =>
  new Observable<A | B>((subscriber) => {
    subscriber.add(
      first$.subscribe({
        next: (value) => subscriber.next(value),
        error: (err) => subscriber.error(err),
        complete: () => {
          // Its teardown joins the subscriber's: unsubscribing reaches it.
          if (!subscriber.closed) then$.subscribe(subscriber);
        },
      }),
    );
  });

/** What {@link whenEnded} calls: each before the end it names reaches the subscriber. */
export interface EndHooks {
  error?: (err: unknown) => void;
  complete?: () => void;
  /** The subscriber left before the source ended. */
  unsubscribe?: () => void;
}

/**
 * Calls `hooks` as the source ends, before the end reaches the subscriber (`finalize` would
 * run after it): rxjs's `tap` with these three hooks, without its whole observer machinery.
 */
export const whenEnded =
  <T>(hooks: EndHooks): MonoTypeOperatorFunction<T> =>
  (source) =>
    new Observable<T>((subscriber) => {
      let ended = false;
      const subscription = source.subscribe({
        next: (value) => subscriber.next(value),
        error: (err) => {
          ended = true;
          hooks.error?.(err);
          subscriber.error(err);
        },
        complete: () => {
          ended = true;
          hooks.complete?.();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        if (!ended) hooks.unsubscribe?.();
      };
    });
