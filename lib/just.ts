import { Observable } from 'rxjs';

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
