import type { Observable, Subscription } from 'rxjs';

/**
 * An Observable as a web `ReadableStream`, which is what the AI SDK reads: each value is
 * enqueued, the end closes it, an error errors it. Cancelling the stream unsubscribes (so an
 * answer's request is aborted and the server told to stop) and calls `onCancel`.
 */
export const readableOf = <T>(source$: Observable<T>, onCancel?: () => void): ReadableStream<T> => {
  let subscription: Subscription | undefined;
  return new ReadableStream<T>({
    start(controller) {
      subscription = source$.subscribe({
        next: (value) => controller.enqueue(value),
        error: (err: unknown) => controller.error(err),
        complete: () => controller.close(),
      });
    },
    cancel() {
      subscription?.unsubscribe();
      onCancel?.();
    },
  });
};
