import { MonoTypeOperatorFunction, Observable, OperatorFunction, Subscription } from 'rxjs';

// rxjs's `of` and `concat` take an optional scheduler, and `defer`, `switchMap` and `catchError`
// accept any ObservableInput (promises, iterables, async iterables, streams): each brings that
// machinery into a browser bundle (about 3 kB minified). Ours only ever pass Observables; these
// do the one thing we use.

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

/** Calls `make` at each subscription and subscribes to what it returns: `defer(make)`. */
export const lazy$ = <T>(make: () => Observable<T>): Observable<T> =>
  // A throw in `make` reaches the subscriber as an error: Observable's subscribe catches it.
  new Observable<T>((subscriber) => make().subscribe(subscriber));

/**
 * Maps each value to an Observable and follows the latest one, unsubscribing the one before:
 * `switchMap(project)`. Completes when the source and the latest inner have; a throw in
 * `project` is an error.
 */
export const switchTo =
  <T, R>(project: (value: T) => Observable<R>): OperatorFunction<T, R> =>
  (source) =>
    new Observable<R>((subscriber) => {
      let inner: Subscription | undefined;
      let innerActive = false;
      let sourceDone = false;
      const outer = source.subscribe({
        next: (value) => {
          inner?.unsubscribe();
          let next$: Observable<R>;
          try {
            next$ = project(value);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          innerActive = true;
          inner = next$.subscribe({
            next: (v) => subscriber.next(v),
            error: (err) => subscriber.error(err),
            complete: () => {
              innerActive = false;
              if (sourceDone) subscriber.complete();
            },
          });
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (!innerActive) subscriber.complete();
        },
      });
      return () => {
        outer.unsubscribe();
        inner?.unsubscribe();
      };
    });

/** Replaces an error with `explain(err)`: `catchError((e) => throwError(() => explain(e)))`. */
export const mapError =
  <T>(explain: (err: unknown) => unknown): MonoTypeOperatorFunction<T> =>
  (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (err) => {
          let explained: unknown;
          try {
            explained = explain(err);
          } catch (thrown) {
            explained = thrown;
          }
          subscriber.error(explained);
        },
        complete: () => subscriber.complete(),
      }),
    );
