import { MonoTypeOperatorFunction, Observable } from 'rxjs';

/** What h2o-rx needs of an `AbortSignal`: the DOM's, Node's, or a polyfill's. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** True when `value` can be listened to like an `AbortSignal`. */
export const isAbortSignalLike = (value: unknown): value is AbortSignalLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AbortSignalLike).aborted === 'boolean' &&
  typeof (value as AbortSignalLike).addEventListener === 'function' &&
  typeof (value as AbortSignalLike).removeEventListener === 'function';

/**
 * Completes when `signal` aborts, as `takeUntil` would: the source is unsubscribed (so its
 * requests are aborted) and no error is raised. An already-aborted signal completes before
 * the source is subscribed to. Anything that is not a signal leaves the source as it is:
 * the option's validation, inside the source, reports it.
 */
export const takeUntilAborted =
  <T>(signal: unknown): MonoTypeOperatorFunction<T> =>
  (source) => {
    if (!isAbortSignalLike(signal)) return source;
    return new Observable<T>((subscriber) => {
      if (signal.aborted) {
        subscriber.complete();
        return;
      }
      const onAbort = () => subscriber.complete();
      signal.addEventListener('abort', onAbort);
      // Removed on every ending (completion, error, unsubscribe): a long-lived signal shared
      // by many completions must not collect their listeners.
      subscriber.add(() => signal.removeEventListener('abort', onAbort));
      return source.subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
  };
